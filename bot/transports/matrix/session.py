"""The bot's one Matrix device: first login with the password, `restore_login` ever after.

The session (user id, device id, access token) is kept in `<data>/matrix/session.json`
(mode 0600) and the end-to-end crypto store in `<data>/matrix/crypto/`. Reusing the same
device keeps one device for the life of the bot: new devices would pile up and every
room key would be encrypted to each of them.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, LoginResponse, WhoamiResponse

from bot.config import MatrixConfig

logger = logging.getLogger(__name__)


class MatrixSessionError(Exception):
    """The bot cannot log in; the message (French) says what to do."""


@dataclass(frozen=True)
class Session:
    homeserver: str
    user_id: str
    device_id: str
    access_token: str


class SessionFiles:
    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / "matrix"
        self.session_path = self.folder / "session.json"
        self.crypto_dir = self.folder / "crypto"

    def load(self) -> Session | None:
        try:
            data = json.loads(self.session_path.read_text(encoding="utf-8"))
            return Session(**data)
        except FileNotFoundError:
            return None
        except (ValueError, TypeError) as exc:
            raise MatrixSessionError(
                f"Le fichier {self.session_path} est illisible ({exc.__class__.__name__}). "
                "Supprimez-le : le robot se reconnectera avec son mot de passe."
            ) from None

    def save(self, session: Session) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.session_path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(session), handle)
        temporary.replace(self.session_path)

    def crypto_store_present(self, session: Session) -> bool:
        # nio's SqliteStore names its file "<user_id>_<device_id>.db".
        return (self.crypto_dir / f"{session.user_id}_{session.device_id}.db").exists()

    def forget(self) -> None:
        self.session_path.unlink(missing_ok=True)


# nio remembers every decrypted message (sender key, session, index) to refuse replays:
# 100 000 entries by default, about half a kilobyte each, so a long-running bot grew by
# ~0.5 KB per message. The last few thousand are what replay protection needs (handled
# event ids are also recorded in the store).
REPLAY_WINDOW = 5_000


def bound_memory(client: AsyncClient) -> None:
    """Cap nio's per-message caches (call once the crypto store is loaded)."""
    olm = client.olm
    if olm is not None and olm.message_index_store.maxsize > REPLAY_WINDOW:
        olm.message_index_store = type(olm.message_index_store)(REPLAY_WINDOW)


def client_config() -> AsyncClientConfig:
    return AsyncClientConfig(
        encryption_enabled=True,
        store_sync_tokens=False,  # we save the token ourselves, after handling the events
        max_limit_exceeded=0,  # rate limits come back to us (per room), never a silent wait
        max_timeouts=0,
        request_timeout=60,
    )


async def connect(config: MatrixConfig, files: SessionFiles) -> AsyncClient:
    """A logged-in client with its crypto store loaded, reusing the saved device if any."""
    files.crypto_dir.mkdir(parents=True, exist_ok=True)
    session = files.load()
    if session is not None and session.user_id != config.user_id:
        raise MatrixSessionError(
            f"La session enregistrée est celle de {session.user_id}, pas de {config.user_id}. "
            f"Supprimez {files.session_path} pour changer de compte."
        )
    if session is not None and not files.crypto_store_present(session):
        logger.error(
            "the end-to-end crypto store of device %s is missing from %s: encrypted messages "
            "sent to this device cannot be read any more. Relais logs in again as a new device "
            "(password needed). Delete the old device from an Element session of the bot "
            "account when convenient.",
            session.device_id,
            files.crypto_dir,
        )
        files.forget()
        session = None
    if session is not None:
        client = _client(config, files, session.device_id)
        client.restore_login(session.user_id, session.device_id, session.access_token)
        whoami = await client.whoami()
        if isinstance(whoami, WhoamiResponse):
            logger.info("restored Matrix device %s", session.device_id)
            bound_memory(client)
            return client
        await client.close()
        if getattr(whoami, "status_code", "") != "M_UNKNOWN_TOKEN":
            raise MatrixSessionError(
                f"Le serveur Matrix ne répond pas correctement ({whoami}). Réessayez plus tard."
            )
        logger.warning("saved Matrix access token was revoked; logging in again")
        files.forget()
    return await _password_login(config, files)


async def _password_login(config: MatrixConfig, files: SessionFiles) -> AsyncClient:
    if not config.password:
        raise MatrixSessionError(
            "Aucune session Matrix enregistrée et pas de mot de passe : renseignez "
            "matrix.password ou la variable RELAIS_MATRIX_PASSWORD pour la première connexion."
        )
    client = _client(config, files, None)
    response = await client.login(config.password, device_name=config.device_name)
    if not isinstance(response, LoginResponse):
        await client.close()
        raise MatrixSessionError(
            f"Connexion à Matrix refusée pour {config.user_id} : {response.message}. "
            "Vérifiez matrix.user_id et le mot de passe."
        )
    files.save(
        Session(config.homeserver, response.user_id, response.device_id, response.access_token)
    )
    logger.info("logged in to Matrix as a new device %s", response.device_id)
    bound_memory(client)
    return client


def _client(config: MatrixConfig, files: SessionFiles, device_id: str | None) -> AsyncClient:
    return AsyncClient(
        config.homeserver,
        config.user_id,
        device_id=device_id or "",
        store_path=str(files.crypto_dir),
        config=client_config(),
    )
