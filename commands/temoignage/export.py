"""Opening sealed testimonies with a private key, and writing them as JSON, CSV or Markdown.

Runs on an organiser's machine (`relais temoignages export`), never inside the bot.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nacl.public

from commands.temoignage import texts
from commands.temoignage.crypto import DamagedError, WrongKeyError, parse_recipients, unseal
from commands.temoignage.records import SealedRecord

FORMATS = ("json", "csv", "md")


@dataclass
class Opened:
    items: list[dict[str, Any]] = field(default_factory=list)
    other_keys: int = 0
    damaged: int = 0


def open_all(sealed: Sequence[SealedRecord], key: nacl.public.PrivateKey) -> Opened:
    result = Opened()
    for record in sealed:
        try:
            plain = unseal(record.payload, parse_recipients(record.recipients), key)
            document = json.loads(plain.decode("utf-8"))
        except WrongKeyError:
            result.other_keys += 1
            continue
        except (DamagedError, ValueError):
            result.damaged += 1
            continue
        result.items.append(_readable(document, record))
    return result


def _readable(document: dict[str, Any], record: SealedRecord) -> dict[str, Any]:
    consent = str(document.get("accord") or record.consent)
    theme = str(document.get("theme") or record.theme)
    return {
        "recu_le": str(document.get("recu_le") or record.received_on.isoformat()),
        "theme": texts.theme_label(theme),
        "accord": texts.CONSENT_LABELS.get(consent, consent),
        "departement": document.get("departement") or "",
        "administration": document.get("administration") or "",
        "mois": texts.month_fr(document["mois"]) if document.get("mois") else "",
        "texte": str(document.get("texte") or ""),
        "texte_anonymise": document.get("texte_anonymise") or "",
    }


def render(items: Sequence[dict[str, Any]], fmt: str) -> str:
    if fmt == "csv":
        return render_csv(items)
    if fmt == "md":
        return render_md(items)
    return json.dumps(list(items), ensure_ascii=False, indent=2) + "\n"


def render_csv(items: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=texts.EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow({name: item.get(name, "") for name in texts.EXPORT_FIELDS})
    return buffer.getvalue()


def render_md(items: Sequence[dict[str, Any]]) -> str:
    lines = [texts.MD_TITLE.format(n=len(items)), ""]
    for index, item in enumerate(items, start=1):
        lines += [texts.MD_ITEM.format(i=index, theme=item["theme"], recu=item["recu_le"]), ""]
        lines.append(texts.MD_ACCORD.format(accord=item["accord"]))
        for template, name in (
            (texts.MD_DEPARTEMENT, "departement"),
            (texts.MD_ADMINISTRATION, "administration"),
            (texts.MD_MOIS, "mois"),
        ):
            if item[name]:
                lines.append(template.format(value=item[name]))
        lines += ["", texts.MD_TEXT, "", _quoted(item["texte"]), ""]
        if item["texte_anonymise"]:
            lines += [texts.MD_ANONYMISED, "", _quoted(item["texte_anonymise"]), ""]
    return "\n".join(lines)


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())
