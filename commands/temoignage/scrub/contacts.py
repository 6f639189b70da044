"""Detectors for contact data and numbers recognisable by their shape alone.

Phones, e-mails, Matrix and Mastodon addresses, IBANs, social-security numbers,
card numbers and long runs of digits. Every pattern is bounded so that a very long
or hostile input cannot make the regex engine backtrack for ever.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from commands.temoignage.scrub.common import (
    EMAIL,
    IBAN,
    IDENTIFIER,
    NIR,
    PHONE,
    SPACE,
    Finding,
)

# --- phones -------------------------------------------------------------------------------

# 01-05 and 09 are landlines, 06-07 mobiles. 08 numbers are services (numéros verts and the
# like), public like 3422 or 3949, so they stay. The same separator must be used between
# every pair: this is what keeps dates such as 01.02.2024 or 06/12/2023 out.
_FR_PHONE_RE = re.compile(
    r"(?<![\w+])"
    r"(?:tel:(?=[+0-9]))?"
    r"(?:"
    r"(?:\+|00)" + SPACE + r"?33" + SPACE + r"?(?:\(0\)" + SPACE + r"?|0)?[1-79]"
    r"|0[1-79]"
    r")"
    r"(?P<sep>" + SPACE + r"|[.\-/]|)[0-9]{2}(?:(?P=sep)[0-9]{2}){3}"
    r"(?![0-9])"
)

# Any other country: "+" and at least 8 digits, not followed by a currency or a percent.
_INTL_PHONE_RE = re.compile(
    r"(?<![\w+])"
    r"(?:tel:(?=\+))?"
    r"\+(?!33)[1-9][0-9]{0,2}(?:" + SPACE + r"?\(0\))?"
    r"(?:(?:" + SPACE + r"|[.\-])?[0-9]){7,12}"
    r"(?![0-9])(?!" + SPACE + r"?(?:€|eur|%|\$|£))",
    re.IGNORECASE,
)


def find_phones(text: str) -> Iterator[Finding]:
    for m in _FR_PHONE_RE.finditer(text):
        # "0712345678K": ten digits in one piece with a letter glued is an identifier
        # (a pupil's INE), left to the identifier and long-digit detectors.
        if not m.group("sep") and text[m.end() : m.end() + 1].isalpha():
            continue
        yield Finding(PHONE, m.start(), m.end())
    for m in _INTL_PHONE_RE.finditer(text):
        yield Finding(PHONE, m.start(), m.end())


# --- e-mails ------------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+\-@])"
    r"(?:mailto:)?"
    r"[\w+\-](?:[\w.+\-]{0,63}[\w+\-])?"
    r"@[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,6}\.[^\W\d_]{2,24}"
    r"(?![\w\-])",
    re.IGNORECASE,
)

# "marie arobase gmail point com", "marie(at)gmail(dot)com", "marie [at] free.fr".
# Only with a known top-level domain, so that ordinary words are left alone.
_OBF_AT = (
    r"(?:" + SPACE + r"*[(\[{]" + SPACE + r"*(?:at|arobases?|arobas)" + SPACE + r"*[)\]}]"
    r"" + SPACE + r"*"
    r"|" + SPACE + r"+(?:arobases?|arobas)" + SPACE + r"+)"
)
_OBF_DOT = (
    r"(?:\."
    r"|" + SPACE + r"*[(\[{]" + SPACE + r"*(?:dot|point)" + SPACE + r"*[)\]}]" + SPACE + r"*"
    r"|" + SPACE + r"+(?:dot|point)" + SPACE + r"+)"
)
_OBF_TLD = (
    r"(?:fr|com|org|net|eu|be|ch|lu|ca|info|io|re|gp|mq|yt|nc|pf|de|es|it|pt|uk|ma|dz|tn"
    r"|sn|ci|cm|social|online|me|xyz)"
)
_OBF_EMAIL_RE = re.compile(
    r"(?<![\w.+\-@])"
    r"[\w+\-]{1,64}(?:" + _OBF_DOT + r"[\w+\-]{1,64}){0,3}"
    r"" + _OBF_AT + r""
    r"[\w\-]{1,63}(?:" + _OBF_DOT + r"[\w\-]{1,63}){0,3}?"
    r"" + _OBF_DOT + _OBF_TLD + r"(?![\w\-])",
    re.IGNORECASE,
)


def find_emails(text: str) -> Iterator[Finding]:
    for regex in (_EMAIL_RE, _OBF_EMAIL_RE):
        for m in regex.finditer(text):
            yield Finding(EMAIL, m.start(), m.end())


# --- Matrix ids and Mastodon handles ------------------------------------------------------

_DOMAIN = r"(?:[A-Za-z0-9\-]{1,63}\.){1,6}[A-Za-z]{2,24}"
_MATRIX_ID_RE = re.compile(
    r"(?<![\w@])@[A-Za-z0-9._=\-/+]{1,255}:" + _DOMAIN + r"(?::[0-9]{1,5})?(?![\w\-])"
)
_FEDI_HANDLE_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_.\-]{1,64}@" + _DOMAIN + r"(?![\w\-])")
# A bare "@alice". It must start with a letter so that "@14h" (read "à 14 h") stays.
_BARE_HANDLE_RE = re.compile(r"(?<![\w@])@[A-Za-z_][A-Za-z0-9_]{0,29}(?![\w@])")


def find_handles(text: str) -> Iterator[Finding]:
    for regex in (_MATRIX_ID_RE, _FEDI_HANDLE_RE, _BARE_HANDLE_RE):
        for m in regex.finditer(text):
            yield Finding(IDENTIFIER, m.start(), m.end())


# --- IBAN ---------------------------------------------------------------------------------

# Groups of four after the country code and check digits; the last group may be shorter.
# The groups are upper-case or digits only, so a following French word is not swallowed.
_IBAN_RE = re.compile(
    r"(?<![\w])[A-Za-z]{2}[0-9]{2}"
    r"(?:(?:" + SPACE + r"|-)?[0-9A-Z]{4}){2,7}"
    r"(?:(?:" + SPACE + r"|-)?[0-9A-Z]{1,4})?"
    r"(?![\w])"
)
_TRAILING_LETTER_GROUPS_RE = re.compile(r"(?:(?:" + SPACE + r"|-)?[A-Z]+)+$")
_IBAN_SEPARATORS_RE = re.compile(SPACE + r"|-")


def find_ibans(text: str) -> Iterator[Finding]:
    for m in _IBAN_RE.finditer(text):
        value = m.group()
        # "... 7890 1890 PARIS": the trailing all-letter groups are a town, not the IBAN.
        tail = _TRAILING_LETTER_GROUPS_RE.search(value[4:])
        if tail is not None:
            value = value[: 4 + tail.start()]
        compact = _IBAN_SEPARATORS_RE.sub("", value)
        digits = sum(c.isdigit() for c in compact)
        if 15 <= len(compact) <= 34 and digits >= 10:
            yield Finding(IBAN, m.start(), m.start() + len(value))


# --- social-security number (NIR) ---------------------------------------------------------

_NIR_CANDIDATE_RE = re.compile(
    r"(?<![\w+])[12](?:(?:" + SPACE + r"|[.\-])?[0-9ABab]){12,14}(?![\w])"
)
_NIR_SEPARATORS_RE = re.compile(SPACE + r"|[.\-]")
# Sex, year, month, department (2A/2B for Corsica), town, order number, optional key.
_NIR_COMPACT_RE = re.compile(r"[12][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{6}(?:[0-9]{2})?")


def _nir_month_ok(month: int) -> bool:
    # 01-12, or 20, 30-42, 50-99 when the civil-status record gives no month.
    return 1 <= month <= 12 or month == 20 or 30 <= month <= 42 or month >= 50


def is_nir(value: str) -> bool:
    """Whether value, separators aside, has the shape of a social-security number."""
    compact = _NIR_SEPARATORS_RE.sub("", value).upper()
    return _NIR_COMPACT_RE.fullmatch(compact) is not None and _nir_month_ok(int(compact[3:5]))


def find_nirs(text: str) -> Iterator[Finding]:
    for m in _NIR_CANDIDATE_RE.finditer(text):
        if is_nir(m.group()):
            yield Finding(NIR, m.start(), m.end())


# --- bank cards and long runs of digits ---------------------------------------------------

_CARD_RE = re.compile(r"(?<![\w])[0-9]{4}(?:(?:" + SPACE + r"|-)?[0-9]{4}){3}(?![\w])")
# Nine digits or more in one piece: no date, amount or year looks like that; a tax number,
# a file number or an account number does. A key letter glued at the end goes with them.
_LONG_DIGITS_RE = re.compile(r"(?<![0-9])[0-9]{9,}(?:[A-Za-z](?!\w))?(?![0-9])")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def find_cards(text: str) -> Iterator[Finding]:
    for m in _CARD_RE.finditer(text):
        digits = "".join(c for c in m.group() if c.isdigit())
        if _luhn_ok(digits):
            yield Finding(IDENTIFIER, m.start(), m.end())


def find_long_digit_runs(text: str) -> Iterator[Finding]:
    for m in _LONG_DIGITS_RE.finditer(text):
        yield Finding(IDENTIFIER, m.start(), m.end())
