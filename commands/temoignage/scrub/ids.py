"""Detector for identifiers introduced as such: "mon numéro allocataire 1234567".

A CAF or France Travail number has no shape of its own (seven digits, seven digits and a
letter…), so it is only recognised after the words that announce it. Only the value is
replaced: "n° CAF : [identifiant]" keeps the sentence readable.

The words here are explicit ("numéro allocataire", "identifiant", "matricule"), so three
digits are enough and this detector runs before the phone one: "n° CAF 0612345678" is an
identifier. Looser announcements ("mon numéro c'est le…", "… c'est mon numéro") are in
scrub_ids_context. The checks on the value that both share are here: an amount, a
count, a date, a time, a year range, a postal code, an article number or a short
service number is not an identifier, even where one is announced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from commands.temoignage.scrub.common import IDENTIFIER, NIR, Finding, spaced
from commands.temoignage.scrub.contacts import is_nir

NUM = spaced(r"(?:num[ée]ros?|num\.?|n~?[°º]|no\.?)")
_LINK = spaced(r"(?:~+(?:de~+la|de~*l['’]|du|des|de|d['’]|[àa]~+la|au|chez)|~*d['’])?~*")
# Services named between the announcing words and the value: "n° CAF", "dossier MDPH".
ORG = spaced(
    r"(?:caf|msa|cpam|ameli|mdph|carsat|cnav|urssaf|crous|ft|imp[ôo]ts|pr[ée]fecture"
    r"|france~*-?~*travail|p[ôo]le~*-?~*emploi)(?!\w)"
)
# Words that, after "numéro"/"n°", announce an identifier.
_AFTER_NUM = spaced(
    r"allocataire|alloc|caf|msa|cpam|agdref|dossier|matricule|[ée]trangers?|ameli"
    r"|france~*-?~*travail|p[ôo]le~*-?~*emploi|demandeu(?:r|se)~+d['’]emploi|inscription"
    r"|identifiant|client|adh[ée]rent|contrat|passeport|titre~+de~+s[ée]jour"
    r"|r[ée]c[ée]piss[ée]|carte~+(?:vitale|d['’]identit[ée]|de~+s[ée]jour)|cni|fiscal"
    r"|compte|rib|siret|siren|r[ée]f[ée]rence|t[ée]l[ée]d[ée]clarant|ine|badge"
    r"|permis(?:~+de~+conduire)?|demande|suivi|plainte|patient|retraite|pension"
)
# Words after which a social-security number is announced (labelled [n° sécu]).
_SOCIAL_SECURITY = spaced(r"s[ée]cu(?:rit[ée]~+sociale)?|ss|nir|insee")
# Phrases that announce an identifier on their own.
_STANDALONE = spaced(
    r"identifiant(?:~+(?:france~*-?~*travail|p[ôo]le~*-?~*emploi|caf|msa|ameli|fiscal"
    r"|de~+connexion))?"
    r"|id~+" + ORG + r"|matricule|agdref|r[ée]f[ée]rence(?:~+(?:du|de~+mon)~+dossier)?"
    r"|r[ée]f\.?|(?:dossier|demande|allocataire|client|contrat|compte)~*" + NUM
)
# What may stand between the announcing words and the value: "n° CAF : ",
# "numéro allocataire CAF est le ", "identifiant pour france travail c ", "n° alloc... ",
# and the blank line between two messages: "mon numéro caf c'est" / "1234567".
FILLER = spaced(
    r"(?:~*(?:[:=,\-–]|\.{2,}|…|(?:est|c['’]est|cest|c|le)(?!\w)|"
    + NUM
    + r"|"
    + ORG
    + r"|(?:pour|[àa]|au|chez|de|du|d['’]|sur)~*(?:(?:la|le|l['’])~*)?"
    + ORG
    + r")){0,6}(?:~*\n){0,2}~*"
)


def value_pattern(*, possessive: bool = False) -> str:
    """The value: a token holding a digit; digit groups may follow ("123 456 7").

    possessive: never give characters back, for a pattern where a shorter value cannot
    help (one that must be followed by a word). It spares the backtracking at each of the
    many places such a pattern is tried.
    """
    plus = "+" if possessive else ""
    return spaced(
        r"(?=[A-Za-z0-9\-/]{0,40}[0-9])[A-Za-z0-9][A-Za-z0-9\-/]{0,40}"
        + plus
        + r"(?:(?:~|\.)[0-9][A-Za-z0-9\-/]{0,40}"
        + plus
        + r"){0,6}"
        + plus
    )


VALUE = value_pattern()

_INTRODUCED_ID_RE = re.compile(
    r"(?<![\w])(?:"
    + NUM
    + _LINK
    + r"(?:(?P<nir>"
    + _SOCIAL_SECURITY
    + r")|"
    + _AFTER_NUM
    + r")|"
    + _STANDALONE
    + r")(?:(?<=\w)(?!\w)|(?<=[.°º]))"
    + FILLER
    + r"(?P<value>"
    + VALUE
    + r")(?![\w])",
    re.IGNORECASE,
)

# --- what a value announced as an identifier cannot be ------------------------------------

_SEPARATORS_RE = re.compile(spaced(r"~|[.\-/]"))
# Short public service numbers ("le numéro de la CAF, 3230") and 08 numbers (numéros
# verts and the like) are not identifiers.
_SERVICE_NUMBER_RE = re.compile(r"3[0-9]{3}|1[0-9]{1,2}|08[0-9]{8}")
# "... 1234 €", "... 245,30 euros", "... 75 %".
_AMOUNT_AFTER_RE = re.compile(
    spaced(r"(?:,[0-9]{1,2})?~*(?:[€$£%]|euros?(?!\w)|eur(?!\w)|balles(?!\w))"), re.IGNORECASE
)
_DATE_RE = re.compile(
    spaced(
        r"(?P<d>[0-9]{1,2})(?P<s>~|[./\-])(?P<m>[0-9]{1,2})(?P=s)(?:[0-9]{2}|[0-9]{4})"
        r"|[0-9]{4}-(?P<iso_m>[0-9]{2})-[0-9]{2}"
    )
)
_TIME_RE = re.compile(r"[0-9]{1,2}[hH](?:[0-9]{2})?")
_YEARS_RE = re.compile(r"(?:19|20)[0-9]{2}[\-/](?:19|20)[0-9]{2}")
# "... 15 000 dossiers en retard": a count, not an identifier.
_COUNTED_AFTER_RE = re.compile(
    spaced(
        r"~+(?:personnes|gens|dossiers|demandes|allocataires|b[ée]n[ée]ficiaires|familles"
        r"|foyers|habitants|enfants|appels|courriers|lettres|mails|messages|plaintes|agents"
        r"|postes|ans|mois|jours|semaines|heures|minutes|km|kilom[èe]tres|fois)(?!\w)"
    ),
    re.IGNORECASE,
)
# "code postal : 72000", "l'article L. 262-46".
_NOT_AN_ID_BEFORE_RE = re.compile(
    spaced(r"(?<!\w)(?:code~+postal|cp|art(?:icles?|s?\.)(?:~*[LRDA]\.?)?)~*[:=]?~*\Z"),
    re.IGNORECASE,
)


def id_value_end(text: str, start: int, end: int, *, min_digits: int) -> int | None:
    """Where the identifier announced at text[start:end] ends, or None if it is none.

    A count or an amount that the value ran into is cut off: "n° CAF 1234567 2 enfants".
    """
    if _AMOUNT_AFTER_RE.match(text, end) or _COUNTED_AFTER_RE.match(text, end):
        cut = _before_quantity(text, start, end)
        if cut is None:
            return None
        end = cut
    value = text[start:end]
    if sum(c.isdigit() for c in value) < min_digits:
        return None
    if _SERVICE_NUMBER_RE.fullmatch(_SEPARATORS_RE.sub("", value)):
        return None
    if _TIME_RE.fullmatch(value) or _YEARS_RE.fullmatch(value) or _is_date(value):
        return None
    if _NOT_AN_ID_BEFORE_RE.search(text, max(0, start - 24), start):
        return None
    return end


_GROUP_RE = re.compile(r"[^ \u00a0\u202f.]+")


def _before_quantity(text: str, start: int, end: int) -> int | None:
    """End of what comes before the quantity that ends text[start:end], if anything."""
    groups = list(_GROUP_RE.finditer(text, start, end))
    i = len(groups) - 1
    while i >= 0 and len(groups[i].group()) == 3 and groups[i].group().isdigit():
        i -= 1  # thousands: "12 000", "1 234 567"
    if i >= 0 and len(groups[i].group()) < 3 and groups[i].group().isdigit():
        i -= 1  # the leading group of a quantity: "2", "12 000"
    if i < 0 or i == len(groups) - 1:
        return None
    return groups[i].end()


def _is_date(value: str) -> bool:
    date = _DATE_RE.fullmatch(value)
    if date is None:
        return False
    if date.group("iso_m") is not None:
        return 1 <= int(date.group("iso_m")) <= 12
    return 1 <= int(date.group("d")) <= 31 and 1 <= int(date.group("m")) <= 12


def find_introduced_ids(text: str) -> Iterator[Finding]:
    for m in _INTRODUCED_ID_RE.finditer(text):
        start = m.start("value")
        end = id_value_end(text, start, m.end("value"), min_digits=3)
        if end is None:
            continue
        # An ameli identifier that is the social-security number is labelled as one.
        label = NIR if m.group("nir") or is_nir(text[start:end]) else IDENTIFIER
        yield Finding(label, start, end)
