"""Tests for the testimony scrubber: what must go, what must stay."""

from __future__ import annotations

import itertools
import random

import pytest

from commands.temoignage.scrub import LABELS, LIMITS_FR, Finding, find_personal_data, scrub
from tests.unit.temoignage import scrub_blind_cases as blind

# (input, expected output). Realistic sentences, as people type them on a phone.
CHANGED: list[tuple[str, str]] = [
    # phones
    ("Rappelez-moi au 06 12 34 56 78 svp", "Rappelez-moi au [téléphone] svp"),
    ("mon portable : 06.12.34.56.78", "mon portable : [téléphone]"),
    ("06-12-34-56-78 c'est mon numéro", "[téléphone] c'est mon numéro"),
    ("La CAF m'a dit d'appeler le 0612345678.", "La CAF m'a dit d'appeler le [téléphone]."),
    ("joignable au +33 6 12 34 56 78", "joignable au [téléphone]"),
    ("ou au +33 (0)6 12 34 56 78 le soir", "ou au [téléphone] le soir"),
    ("depuis l'étranger : 0033 6 12 34 56 78", "depuis l'étranger : [téléphone]"),
    ("[m'appeler](tel:+33612345678)", "[m'appeler]([téléphone])"),
    ("fixe 01 42 12 34 56, bureau 05.56.12.34.56", "fixe [téléphone], bureau [téléphone]"),
    ("ma box : 09 72 12 34 56", "ma box : [téléphone]"),
    ("tél : 07 81 23 45 67 (après 18h)", "tél : [téléphone] (après 18h)"),
    ("mon frère en Belgique, +32 470 12 34 56", "mon frère en Belgique, [téléphone]"),
    # e-mails
    ("écrivez-moi : marie.dupont72@gmail.com", "écrivez-moi : [courriel]"),
    ("Mon mail c'est jean-pierre+caf@orange.fr.", "Mon mail c'est [courriel]."),
    ("contact arobase monasso point fr", "[courriel]"),
    ("sam[at]free.fr ou sam (at) free (dot) fr", "[courriel] ou [courriel]"),
    ("mailto:k.benali@laposte.net", "[courriel]"),
    # social-security numbers
    ("mon numéro de sécu 1 85 05 78 006 084 36", "mon numéro de sécu [n° sécu]"),
    ("Numéro de sécurité sociale : 285057800608436", "Numéro de sécurité sociale : [n° sécu]"),
    ("la CPAM a mon 2850578006084 mais rien", "la CPAM a mon [n° sécu] mais rien"),
    ("né en Corse : 1 85 05 2A 006 084 36", "né en Corse : [n° sécu]"),
    ("NIR 2 91 12 2B 123 456 78 refusé", "NIR [n° sécu] refusé"),
    # identifiers announced as such
    ("mon numéro allocataire 1234567", "mon numéro allocataire [identifiant]"),
    ("n° CAF : 1234567, toujours bloqué", "n° CAF : [identifiant], toujours bloqué"),
    ("identifiant France Travail 1234567A", "identifiant France Travail [identifiant]"),
    ("mon numéro pôle emploi c'est le 7654321B", "mon numéro pôle emploi c'est le [identifiant]"),
    ("matricule 987654 à l'hôpital", "matricule [identifiant] à l'hôpital"),
    ("n° de dossier 2024-001234 en attente", "n° de dossier [identifiant] en attente"),
    (
        "numéro étranger 7501234567 sur le récépissé",
        "numéro étranger [identifiant] sur le récépissé",
    ),
    ("AGDREF : 0123456789", "AGDREF : [identifiant]"),
    ("dossier n°45/2023/00123 à la préfecture", "dossier n°[identifiant] à la préfecture"),
    ("numéro d'allocataire: 0012345", "numéro d'allocataire: [identifiant]"),
    ("mon numéro fiscal 3012345678901", "mon numéro fiscal [identifiant]"),
    ("la réf. 2023-AB-778 du courrier", "la réf. [identifiant] du courrier"),
    ("une carte 4539 1488 0343 6467 bloquée", "une carte [identifiant] bloquée"),
    # IBAN
    ("IBAN : FR76 3000 6000 0112 3456 7890 189", "IBAN : [IBAN]"),
    ("RIB FR7630006000011234567890189 envoyé 2 fois", "RIB [IBAN] envoyé 2 fois"),
    ("compte allemand DE89 3704 0044 0532 0130 00", "compte allemand [IBAN]"),
    ("fr76 3000 6000 0112 3456 7890 189 à Paris", "[IBAN] à Paris"),
    # addresses
    ("J'habite 12 rue de la Paix depuis 2019", "J'habite [adresse] depuis 2019"),
    ("au 3 bis avenue Jean Jaurès, 2e étage", "au [adresse], 2e étage"),
    ("45, boulevard Gambetta, 72000 Le Mans. Merci", "[adresse]. Merci"),
    ("7 allée des Tilleuls 37000 Tours depuis 10 ans", "[adresse] depuis 10 ans"),
    ("12 rue de la paix et je suis allée à la CAF", "[adresse] et je suis allée à la CAF"),
    ("RDV au 4 place de la République à 14h", "RDV au [adresse] à 14h"),
    ("au 8 impasse du Moulin, 72100 Le Mans", "au [adresse]"),
    ("1 chemin des Vignes", "[adresse]"),
    ("on vit au lieu-dit Les Granges", "on vit au [adresse]"),
    ("5 rue du 8 Mai 1945 à Tulle", "[adresse] à Tulle"),
    ("26 quai de la Fosse, Nantes", "[adresse], Nantes"),
    ("2 route de Paris 72000 Le Mans", "[adresse]"),
    # Matrix and Mastodon
    ("écris-moi sur @alice:matrix.org", "écris-moi sur [identifiant]"),
    ("je suis @alice@mastodon.social", "je suis [identifiant]"),
    ("merci @lea_k pour le partage", "merci [identifiant] pour le partage"),
    ("https://matrix.to/#/@bob:example.org", "https://matrix.to/#/[identifiant]"),
    # names
    ("Je m'appelle Marie Dupont et j'ai 3 enfants", "Je m'appelle [nom] et j'ai 3 enfants"),
    ("je m'appelle karim benali j'ai 45 ans", "je m'appelle [nom] j'ai 45 ans"),
    ("Je suis Fatou, mère isolée", "Je suis [nom], mère isolée"),
    ("mon nom est Martin.", "mon nom est [nom]."),
    (
        "Madame Dupont de la CAF m'a raccrochée au nez",
        "Madame [nom] de la CAF m'a raccrochée au nez",
    ),
    ("Mme Martin puis M. Durand", "Mme [nom] puis M. [nom]"),
    ("Dr Benali aux urgences", "Dr [nom] aux urgences"),
    ("Maître Lefebvre, mon avocate", "Maître [nom], mon avocate"),
    ("mon fils Lucas a 12 ans", "mon fils [nom] a 12 ans"),
    ("ma fille, Léa, est malade", "ma fille, [nom], est malade"),
    ("mon mari Ahmed a perdu son emploi", "mon mari [nom] a perdu son emploi"),
    ("Mlle N'Diaye au guichet", "Mlle [nom] au guichet"),
    (
        "ma conseillère France Travail, Mme Leroy, m'a radiée",
        "ma conseillère France Travail, Mme [nom], m'a radiée",
    ),
    ("Monsieur Jean-Pierre Lefèvre", "Monsieur [nom]"),
    ("Cordialement,\nSophie M.", "Cordialement,\n[nom]"),
    ("Nom : Dupont", "Nom : [nom]"),
    # identifiers announced in ordinary words (see also the blind table)
    ("numéro allocataire 1234567 2 enfants", "numéro allocataire [identifiant] 2 enfants"),
    ("n° CAF 1234567 1 250 € d'indu", "n° CAF [identifiant] 1 250 € d'indu"),
    ("1234567 c'est l'identifiant caf", "[identifiant] c'est l'identifiant caf"),
    ("son INE 0712345678K", "son INE [identifiant]"),
    ("ma caf. je suis le 2345678", "ma caf. je suis le [identifiant]"),
    ("Mon numéro CAF ? C'est le 2345678.", "Mon numéro CAF ? C'est le [identifiant]."),
    ("mon numéro allocataire c'est\n\n1234567", "mon numéro allocataire c'est\n\n[identifiant]"),
    # several kinds at once
    (
        "Je m'appelle Awa Diallo, j'habite 3 rue Victor Hugo 72000 Le Mans, "
        "tel 06 12 34 56 78, n° allocataire 1234567.",
        "Je m'appelle [nom], j'habite [adresse], tel [téléphone], n° allocataire [identifiant].",
    ),
]

# Sentences that must come out exactly as they went in.
UNCHANGED: list[str] = [
    "J'ai appelé le 3422 pour fermer Mon Espace Santé, puis le 3949.",
    "Le 3919, le 115, le 17 et le 112 sont gratuits.",
    "Rendez-vous le 12/03/2024 à 14h30 à la préfecture.",
    "Le 06/12/2023 puis le 01.02.2024 à 10 h, toujours rien.",
    "On m'a coupé le RSA le 12 mars, soit 607,75 € en moins.",
    "J'ai dû rembourser 1 234,56 € et 800 euros de trop-perçu.",
    "L'article L. 1111-7 du code de la santé publique me donne accès à mon dossier.",
    "L'art. 22 du RGPD interdit une décision entièrement automatisée.",
    "Je vis dans le 72, code postal 72000, depuis 2015.",
    "Mon loyer a augmenté de 15 % en 2023.",
    "Je suis allée à la CAF, je suis au RSA depuis 3 ans.",
    "Je suis Française et je suis allocataire.",
    "Madame la juge a refusé, Monsieur le Préfet aussi.",
    "Madame la Directrice ne m'a jamais répondu.",
    "J'ai 2 cours de français par semaine et il restait 3 places.",
    "Karim m'a aidé à remplir le dossier.",
    "Appelez le 0 800 12 34 56, c'est gratuit.",
    "Le numéro de la CAF, 3230, ne répond pas.",
    "On était 200 personnes place de la République.",
    "Mon fils a 12 ans et ma fille est au collège.",
    "Madame, je vous écris pour contester la décision.",
    "J'ai attendu de 8h30 à 17h30, 3 heures au total.",
    "Le dossier a été déposé en 2022 et refusé en 2023.",
    "RDV @ 14h devant la mairie",
    "La CAF, c'est 15 000 dossiers en retard.",
    "La CAF me réclame 12 000 €, c'est 15 % de mes revenus.",
    "Mon numéro de dossier est sur le courrier, code postal : 72000.",
    "Pour mon dossier, l'article L. 262-46 s'applique.",
    "Le numéro de dossier couvre 2019-2023.",
    "J'ai envoyé mon dossier le 12 03 2024 à la CAF.",
    "Le numéro vert de la CAF : 0 800 123 456.",
    "Mon numéro caf c'est le 3230 ?",
    "",
    "😀🙏 merci à toutes et à tous 💪",
]


@pytest.mark.parametrize(("text", "expected"), CHANGED)
def test_scrub_replaces_personal_data(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_scrub_leaves_ordinary_text_alone(text: str) -> None:
    assert scrub(text) == text
    assert find_personal_data(text) == []


def test_table_is_big_enough() -> None:
    assert len(CHANGED) + len(UNCHANGED) >= 60
    assert len(UNCHANGED) >= 15


# The blind table (scrub_blind_cases.py) was written by a helper who never saw the detectors.
# Before issue 12, item 12, 41/71 CHANGED and 40/40 UNCHANGED passed; now all do, and no
# expectation was changed. The helper flagged four judgement calls; each was decided by
# "a number announced as someone's identifier is safer hidden than left":
# - a split number that looks like an amount after an identifier phrase ("c'est le
#   1 234 567", "numero fiscal : 30 12 345 678 912") is hidden, as the helper expected.
#   Only a currency or a counted noun right after it ("12 000 €", "15 000 dossiers")
#   makes it an amount or a count, and then only that quantity stays;
# - a bank card stays [identifiant]: it has no label of its own, and the Luhn check keeps
#   other 16-digit numbers out;
# - an ameli identifier that is a social-security number is [n° sécu], the more specific
#   label; any value announced as an identifier and shaped like one is labelled so;
# - "num" meaning phone ("mon num c 07.81.22.45.90") stays [téléphone]: loose words are
#   read after the phone detector, so a phone-shaped number stays a phone, while after
#   explicit words ("n° CAF 0612345678") it is an identifier.
# Also decided here: ten digits with a key letter glued ("0712345678K", an INE) are an
# identifier, not a phone number followed by a letter.


@pytest.mark.parametrize(("text", "expected"), blind.CHANGED)
def test_blind_personal_data_is_replaced(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize("text", blind.UNCHANGED)
def test_blind_ordinary_text_is_left_alone(text: str) -> None:
    assert scrub(text) == text


def test_blind_table_is_whole() -> None:
    assert (len(blind.CHANGED), len(blind.UNCHANGED)) == (71, 40)
    assert all(text != expected for text, expected in blind.CHANGED)
    assert len(set(blind.UNCHANGED)) == len(blind.UNCHANGED)


@pytest.mark.parametrize("text", [text for text, _ in blind.CHANGED] + blind.UNCHANGED)
def test_blind_cases_are_idempotent(text: str) -> None:
    once = scrub(text)
    assert scrub(once) == once


@pytest.mark.parametrize("text", [text for text, _ in CHANGED] + UNCHANGED)
def test_scrub_is_idempotent(text: str) -> None:
    once = scrub(text)
    assert scrub(once) == once


def test_labels_are_left_as_they_are() -> None:
    text = "Je m'appelle [nom], [adresse], [téléphone], n° CAF [identifiant], [IBAN] [n° sécu]"
    assert scrub(text) == text


def test_spans_point_into_the_original_text() -> None:
    text = "Mme Martin : 06 12 34 56 78, marie@free.fr, 12 rue de la Paix."
    found = find_personal_data(text)
    assert found == [
        Finding("[nom]", 4, 10),
        Finding("[téléphone]", 13, 27),
        Finding("[courriel]", 29, 42),
        Finding("[adresse]", 44, 61),
    ]
    assert [text[f.start : f.end] for f in found] == [
        "Martin",
        "06 12 34 56 78",
        "marie@free.fr",
        "12 rue de la Paix",
    ]


def test_findings_are_sorted_and_do_not_overlap() -> None:
    text = " ".join(text for text, _ in CHANGED)
    found = find_personal_data(text)
    assert len(found) >= len(CHANGED)
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start
    assert all(f.label in LABELS for f in found)


def test_postal_code_is_kept_with_the_street_only() -> None:
    assert scrub("au 12 rue de la Paix 72000 Le Mans") == "au [adresse]"
    assert scrub("on habite 72000 Le Mans") == "on habite 72000 Le Mans"


def test_social_security_number_wins_over_the_phone_shape() -> None:
    found = find_personal_data("1 85 05 78 006 084 36")
    assert [f.label for f in found] == ["[n° sécu]"]


def test_iban_does_not_swallow_the_following_word() -> None:
    assert scrub("FR76 3000 6000 0112 3456 7890 1890 PARIS") == "[IBAN] PARIS"


def test_limits_text_is_plain_french() -> None:
    assert "nom" in LIMITS_FR and "Relisez" in LIMITS_FR
    assert "·" not in LIMITS_FR
    assert len(LIMITS_FR) < 700


def _random_text(rng: random.Random) -> str:
    alphabet = "0123456789 +-.,:;/@()[]'’\n\tabcdeéèàçAZÉ°ºN😀\u00a0\u202f"
    words = ["rue", "Madame", "je m'appelle", "n° CAF", "FR76", "arobase", "point", "[nom]"]
    parts: list[str] = []
    for _ in range(rng.randint(0, 30)):
        if rng.random() < 0.3:
            parts.append(rng.choice(words))
        else:
            parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
    return "".join(parts)


def test_random_inputs_never_raise_and_stay_idempotent() -> None:
    rng = random.Random(20240312)
    for _ in range(400):
        text = _random_text(rng)
        once = scrub(text)
        assert scrub(once) == once
        for finding in find_personal_data(text):
            assert 0 <= finding.start < finding.end <= len(text)


def test_very_long_input_is_handled() -> None:
    text = "Madame Dupont, 06 12 34 56 78, 12 rue de la Paix. " * 2000 + "1" * 50_000
    out = scrub(text)
    assert out.startswith("Madame [nom], [téléphone], [adresse]. ")
    assert out.endswith("[identifiant]")


# Hostile inputs of 64 KB: identifier words and digits, and one huge word. Every pattern is
# bounded, so the time grows with the length of the text, not its square; the output is
# checked instead of the time, which would make the test flaky on a busy machine.
_64K = 64 * 1024
_NUMERO_THEN_DIGITS = "numéro " * 5000
_HOSTILE_64K: list[tuple[str, str]] = [
    (
        _NUMERO_THEN_DIGITS + "1" * (_64K - len(_NUMERO_THEN_DIGITS)),
        _NUMERO_THEN_DIGITS + "[identifiant]",
    ),
    ("7" * _64K, "[identifiant]"),
    (("numéro1234567" * _64K)[:_64K], ("numéro1234567" * _64K)[:_64K]),
    (("n° CAF c'est le 12 " * _64K)[:_64K], ("n° CAF c'est le 12 " * _64K)[:_64K]),
    (("12345 c mon " * _64K)[:_64K], ("12345 c mon " * _64K)[:_64K]),
    ("n° CAF 1234567, " * (_64K // 16), "n° CAF [identifiant], " * (_64K // 16)),
]


@pytest.mark.parametrize(("text", "expected"), _HOSTILE_64K)
def test_64k_hostile_input_is_scrubbed(text: str, expected: str) -> None:
    assert len(text) == _64K
    assert scrub(text) == expected
