"""Detector for identifiers introduced as such: "mon numéro allocataire 1234567".

A CAF or France Travail number has no shape of its own (seven digits, seven digits and a
letter…), so it is only recognised after the words that announce it. Only the value is
replaced: "n° CAF : [identifiant]" keeps the sentence readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from commands.temoignage.scrub_common import IDENTIFIER, NIR, Finding, spaced

_NUM = spaced(r"(?:num[ée]ros?|num\.?|n~?[°º]|no\.?)")
_LINK = spaced(r"(?:~+(?:de~+la|de~*l['’]|du|des|de|d['’]|[àa]~+la|au|chez)|~*d['’])?~*")
# Words that, after "numéro"/"n°", announce an identifier.
_AFTER_NUM = spaced(
    r"allocataire|caf|msa|cpam|agdref|dossier|matricule|[ée]trangers?|ameli"
    r"|france~*-?~*travail|p[ôo]le~*-?~*emploi|demandeu(?:r|se)~+d['’]emploi|inscription"
    r"|identifiant|client|adh[ée]rent|contrat|passeport|titre~+de~+s[ée]jour"
    r"|r[ée]c[ée]piss[ée]|carte~+(?:vitale|d['’]identit[ée]|de~+s[ée]jour)|cni|fiscal"
    r"|compte|rib|siret|siren|r[ée]f[ée]rence|t[ée]l[ée]d[ée]clarant|ine|badge"
    r"|permis(?:~+de~+conduire)?"
)
# Words after which a social-security number is announced (labelled [n° sécu]).
_SOCIAL_SECURITY = spaced(r"s[ée]cu(?:rit[ée]~+sociale)?|ss|nir|insee")
# Phrases that announce an identifier on their own.
_STANDALONE = spaced(
    r"identifiant(?:~+(?:france~*-?~*travail|p[ôo]le~*-?~*emploi|caf|msa|ameli|fiscal"
    r"|de~+connexion))?"
    r"|matricule|agdref|r[ée]f[ée]rence(?:~+(?:du|de~+mon)~+dossier)?|r[ée]f\."
    r"|(?:dossier|demande|allocataire|client|contrat|compte)~*" + _NUM
)
# What may stand between the announcing words and the value: "n° CAF : ",
# "numéro allocataire, c'est le ", "identifiant = ".
_FILLER = spaced(r"(?:~*(?:[:=,\-–]|est\b|c['’]est\b|le\b|" + _NUM + r")){0,4}~*")
# The value: starts with a token holding a digit; digit groups may follow ("123 456 7").
_VALUE = spaced(
    r"(?=[A-Za-z0-9\-/]{0,40}[0-9])[A-Za-z0-9][A-Za-z0-9\-/]{0,40}"
    r"(?:(?:~|\.)[0-9][A-Za-z0-9\-/]{0,40}){0,6}"
)

_INTRODUCED_ID_RE = re.compile(
    r"(?<![\w])(?:"
    + _NUM
    + _LINK
    + r"(?:(?P<nir>"
    + _SOCIAL_SECURITY
    + r")|"
    + _AFTER_NUM
    + r")|"
    + _STANDALONE
    + r")(?:(?<=\w)(?!\w)|(?<=[.°º]))"
    + _FILLER
    + r"(?P<value>"
    + _VALUE
    + r")(?![\w])",
    re.IGNORECASE,
)
# Short public service numbers ("le numéro de la CAF, 3230") are not identifiers.
_SERVICE_NUMBER_RE = re.compile(r"3[0-9]{3}|1[0-9]{1,2}")


def find_introduced_ids(text: str) -> Iterator[Finding]:
    for m in _INTRODUCED_ID_RE.finditer(text):
        value = m.group("value")
        if sum(c.isdigit() for c in value) < 3 or _SERVICE_NUMBER_RE.fullmatch(value):
            continue
        label = NIR if m.group("nir") else IDENTIFIER
        yield Finding(label, m.start("value"), m.end("value"))
