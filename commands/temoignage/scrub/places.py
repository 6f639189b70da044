"""Detector for street addresses: "12 rue de la Paix", "3 bis avenue Jean Jaurès, 72000 Le Mans".

An address needs a house number and a street type ("lieu-dit" needs neither). The street
name is read word by word and stops at the first word that cannot belong to it. A postal
code right after the street is part of the address, and so is the town that follows it;
a postal code alone ("72000", "dans le 72") is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.french import fold
from commands.temoignage.scrub.common import ADDRESS, SPACE, Finding, fold_set

# Street types that are hardly anything else after a number: the name may be typed in
# lower case ("12 rue de la paix").
_STRICT_TYPES = (
    r"rue|avenue|av\.|ave|bd|boulevard|bld|blvd|chemin|impasse|imp\.|all[ée]e|quai|route|rte"
    r"|faubourg|fg|lotissement|hameau|sentier|ruelle|venelle|rond-point|chauss[ée]e"
    r"|esplanade|parvis|square|r[ée]sidence|sq\."
)
# Street types that are also common nouns ("2 cours de maths", "3 places"): the street
# name must then start with a capital letter.
_LOOSE_TYPES = (
    r"place|pl\.|cours|cit[ée]|passage|villa|voie|promenade|mail|mont[ée]e|traverse|clos"
    r"|domaine|parc|quartier"
)
_NUMBER = (
    r"(?<![\w,./])[0-9]{1,4}"
    r"(?:" + SPACE + r"?(?i:bis|ter|quater)(?![\w])|" + SPACE + r"?[A-D](?![\w])|[a-d](?![\w]))?"
)
_STREET_RE = re.compile(
    _NUMBER + SPACE + r"*,?" + SPACE + r"*"
    r"(?:(?P<strict>" + _STRICT_TYPES + r")|(?P<loose>" + _LOOSE_TYPES + r"))"
    r"(?<=[\w.])(?![\w\-])",
    re.IGNORECASE,
)
# "lieu dit" with a space is also "au lieu dit" (instead of saying): capitals needed then.
_LIEU_DIT_RE = re.compile(r"(?<![\w])lieu(?P<space> )?-?dit(?![\w])", re.IGNORECASE)

_TOKEN_RE = re.compile(SPACE + r"+(?P<tok>[^\W_][\w'’\-]*)")
_POSTCODE_RE = re.compile(
    SPACE + r"*,?" + SPACE + r"*(?:[0-9]{5}|[0-9]{2}" + SPACE + r"[0-9]{3})(?![0-9])"
)

# No "au" or "à": "rue de la Gare au Mans" ends before the town.
_PARTICLES = fold_set("de du des la le les l' d' aux sur sous en lès lez")
_MONTHS = fold_set(
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
)
# Words that end a street or town name when met after it.
_STOP = fold_set(
    """
    et ou mais donc or ni car puis alors quand comme si que qui quoi dont où
    à au a ai as avait avons avez ont est es suis sont était étaient été être fait fais va vais
    vont vient viens habite habitait habitons vis vit vivons
    je j' tu il elle on nous vous ils elles me m' te t' se s' moi toi lui leur y ça ce c' cet
    cette ces mon ma mes ton ta tes son sa ses notre votre nos vos leurs un une
    dans depuis pendant pour par avec sans chez vers après avant entre contre près jusqu'
    pas plus très bien tout toute tous toutes rien
    bât bât. bâtiment batiment appartement appart appt apt étage etage escalier esc porte
    cedex tél tel téléphone portable
    """
)
_MAX_WORDS = 5
_MAX_LOWER_WORDS = 3
_MAX_TOWN_WORDS = 3


def find_addresses(text: str) -> Iterator[Finding]:
    for m in _STREET_RE.finditer(text):
        end = _street_name_end(text, m.end(), lower_ok=m.group("strict") is not None)
        if end is not None:
            yield Finding(ADDRESS, m.start(), _extend_with_postcode(text, end))
    for m in _LIEU_DIT_RE.finditer(text):
        end = _street_name_end(text, m.end(), lower_ok=m.group("space") is None)
        if end is not None:
            yield Finding(ADDRESS, m.start(), _extend_with_postcode(text, end))


def _core(token: str) -> str:
    """The part of "l'Église" a capital letter is looked for in: "Église"."""
    if len(token) > 2 and token[1] in "'’" and token[0] in "dlDL":
        return token[2:]
    return token


def _street_name_end(text: str, pos: int, *, lower_ok: bool) -> int | None:
    """End of the street name starting at pos, or None when there is no name."""
    end: int | None = None
    words = lower_words = 0
    previous = ""
    while words < _MAX_WORDS:
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            break
        token = m.group("tok")
        folded = fold(token)
        core = _core(token)
        if folded in _PARTICLES:
            pos = m.end()
            previous = folded
            continue
        if core.isdigit():
            # "rue du 8 Mai 1945", "place du 14 Juillet": a date is part of the name.
            following = _TOKEN_RE.match(text, m.end())
            day = following is not None and fold(following.group("tok")) in _MONTHS
            year = previous in _MONTHS and len(core) == 4
            if not (day or year):
                break
        elif folded in _STOP:
            break
        elif not core[0].isupper():
            if not lower_ok or lower_words >= _MAX_LOWER_WORDS:
                break
            lower_words += 1
        words += 1
        pos = end = m.end()
        previous = folded
    return end


def _extend_with_postcode(text: str, end: int) -> int:
    postcode = _POSTCODE_RE.match(text, end)
    if postcode is None:
        return end
    end = postcode.end()
    pos = end
    words = 0
    while words < _MAX_TOWN_WORDS:
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            break
        token = m.group("tok")
        folded = fold(token)
        if folded in _PARTICLES and token[0].isupper():
            pos = m.end()  # "Le Mans", "La Flèche": the article belongs to the town
            continue
        if folded in _STOP or folded in _PARTICLES or not token[0].isupper():
            break
        words += 1
        pos = end = m.end()
    return end
