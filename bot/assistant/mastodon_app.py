"""Registering Relais as an application on a Mastodon server and getting its token.

The out-of-band flow: the person opens the authorisation link while logged in as the
bot's account, and pastes the code shown back into the assistant. Mastodon.py is
blocking: callers run these functions in a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import requests
from mastodon import Mastodon, MastodonError

from bot.assistant import texts

APP_NAME = "Relais"
SCOPES = ["read", "write"]
OUT_OF_BAND = "urn:ietf:wg:oauth:2.0:oob"
TIMEOUT = 20


class MastodonProblem(Exception):
    """A French explanation of what went wrong and what to do."""


@dataclass(frozen=True)
class Registration:
    api_base_url: str
    client_id: str
    client_secret: str
    authorisation_link: str


def register(api_base_url: str) -> Registration:
    try:
        client_id, client_secret = Mastodon.create_app(
            APP_NAME,
            scopes=SCOPES,
            redirect_uris=OUT_OF_BAND,
            api_base_url=api_base_url,
            request_timeout=TIMEOUT,
        )
        client = _client(api_base_url, client_id, client_secret)
        link = client.auth_request_url(
            redirect_uris=OUT_OF_BAND, scopes=SCOPES, allow_http=_on_this_machine(api_base_url)
        )
    except (MastodonError, requests.RequestException, ValueError):
        raise MastodonProblem(texts.MASTODON_NO_APP.format(url=api_base_url)) from None
    return Registration(api_base_url, str(client_id), str(client_secret), link)


def token_for(registration: Registration, code: str) -> tuple[str, str]:
    """The access token for an authorisation code, and the account it acts as (acct)."""
    client = _client(registration.api_base_url, registration.client_id, registration.client_secret)
    try:
        token = client.log_in(
            code=code,
            redirect_uri=OUT_OF_BAND,
            scopes=SCOPES,
            allow_http=_on_this_machine(registration.api_base_url),
        )
        account = _client(
            registration.api_base_url, access_token=token
        ).account_verify_credentials()
    except (MastodonError, requests.RequestException, ValueError):
        raise MastodonProblem(texts.MASTODON_BAD_CODE) from None
    return str(token), str(account.get("acct") or account.get("username") or "")


def _on_this_machine(api_base_url: str) -> bool:
    """Plain http is accepted only for a server on this machine (a test or a demo)."""
    return urlparse(api_base_url).hostname in ("127.0.0.1", "localhost", "::1")


def _client(
    api_base_url: str,
    client_id: str | None = None,
    client_secret: str | None = None,
    *,
    access_token: str | None = None,
) -> Mastodon:
    return Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        access_token=access_token,
        api_base_url=api_base_url,
        version_check_mode="none",  # no /api/v1/instance/ call (missing on some servers)
        request_timeout=TIMEOUT,
    )
