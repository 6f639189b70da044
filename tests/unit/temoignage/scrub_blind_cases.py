# Blind test cases for the Relais testimony scrubber.
#
# Written WITHOUT seeing the detectors or the existing test cases (nothing under
# commands/ or tests/ was opened). They come from how French people write on a
# phone, with typos, no accents, SMS spelling, iPhone apostrophes (’), numbers
# split by spaces / dots / dashes, and the number placed before its label.
#
# Written for issue 12, item 12 of issue 11: "widen the detection of numbers
# that follow an identifier phrase".
#
# CHANGED   : (input, expected_output). Only the personal part is replaced by
#             its label. Everything else (spaces, punctuation, case) stays
#             byte-identical. A number split by spaces, dots or dashes becomes
#             ONE label.
# UNCHANGED : sentences that must come out identical (dates, amounts, law
#             articles, postal codes alone, départements, ages, durations,
#             counts, times, years, percentages, 4-digit public service numbers).
#
# Checksums are valid where they exist: the NIR keys (97 - n mod 97), the IBANs
# (mod 97) and the bank card number (Luhn), so that a detector that checks them
# still has to fire.
#
# Labels: [téléphone] [courriel] [n° sécu] [IBAN] [adresse] [identifiant] [nom]
#
# Copied unchanged from the helper's file; the expectations the scrubber does not meet, or
# that were decided otherwise, are listed with their reason in test_scrub.py.

from __future__ import annotations

CHANGED: list[tuple[str, str]] = [
    # ------------------------------------------------------------------
    # A. Identifiers announced in ordinary words (CAF allocataire number)
    # ------------------------------------------------------------------
    (
        "mon numéro allocataire CAF est le 1234567",
        "mon numéro allocataire CAF est le [identifiant]",
    ),
    ("à la caf je suis le 2345678", "à la caf je suis le [identifiant]"),
    ("mon numéro c'est le 1234567 à la caf", "mon numéro c'est le [identifiant] à la caf"),
    ("numéro de l'allocataire : 0012345", "numéro de l'allocataire : [identifiant]"),
    ("1234567 c'est mon numéro caf", "[identifiant] c'est mon numéro caf"),
    ("cest le 2345678 mon numero", "cest le [identifiant] mon numero"),
    ("mon num alloc c 7654321 jsp si ça sert", "mon num alloc c [identifiant] jsp si ça sert"),
    ("mon numero allocataire c'est le 1 234 567", "mon numero allocataire c'est le [identifiant]"),
    ("n° alloc 12.34.567, ils répondent jamais", "n° alloc [identifiant], ils répondent jamais"),
    ("num caf : 123-45-67", "num caf : [identifiant]"),
    (
        "mon numéro d’allocataire c’est le 2468135, ça fait 3 mois que j’attends",
        "mon numéro d’allocataire c’est le [identifiant], ça fait 3 mois que j’attends",
    ),
    ("pour la caf mon matricule c'est 0945127", "pour la caf mon matricule c'est [identifiant]"),
    ("n° allocataire:1234567", "n° allocataire:[identifiant]"),
    (
        "mon numero caf cest 1234567 merci de maider",
        "mon numero caf cest [identifiant] merci de maider",
    ),
    ("mon numéro d'allocataire... 9876543", "mon numéro d'allocataire... [identifiant]"),
    ("Mon Numero Allocataire Est Le 5566778", "Mon Numero Allocataire Est Le [identifiant]"),
    ("MON NUMERO CAF 5566778 !!!", "MON NUMERO CAF [identifiant] !!!"),
    ("mon numéro c le 1234567 (caf)", "mon numéro c le [identifiant] (caf)"),
    (
        "mon identifiant c'est le 45 67 891 pour l'espace caf",
        "mon identifiant c'est le [identifiant] pour l'espace caf",
    ),
    ("j'ai l'identifiant 3456789 depuis 2019", "j'ai l'identifiant [identifiant] depuis 2019"),
    (
        "mon numéro caf c'est le 2345678, j'ai touché 1234 euros en mars",
        "mon numéro caf c'est le [identifiant], j'ai touché 1234 euros en mars",
    ),
    (
        "numéro allocataire 1234567 depuis 2019, 3 enfants, RSA de 607 €",
        "numéro allocataire [identifiant] depuis 2019, 3 enfants, RSA de 607 €",
    ),
    # ------------------------------------------------------------------
    # B. France Travail / Pôle emploi identifier
    # ------------------------------------------------------------------
    (
        "mon identifiant pour france travail c 8765432X",
        "mon identifiant pour france travail c [identifiant]",
    ),
    ("8765432X c mon identifiant FT", "[identifiant] c mon identifiant FT"),
    (
        "ma conseillère m'a dit de noter mon identifiant france travail : 0123456A",
        "ma conseillère m'a dit de noter mon identifiant france travail : [identifiant]",
    ),
    (
        "jsuis inscrit a pole emploi sous le numero 4567891B depuis 2021",
        "jsuis inscrit a pole emploi sous le numero [identifiant] depuis 2021",
    ),
    ("id pole emploi 3322114Z mdp perdu", "id pole emploi [identifiant] mdp perdu"),
    (
        "mon numéro d'inscription à france travail a changé, maintenant c'est 0987654C",
        "mon numéro d'inscription à france travail a changé, maintenant c'est [identifiant]",
    ),
    # ------------------------------------------------------------------
    # C. Dossier / case / letter reference numbers
    # ------------------------------------------------------------------
    (
        "ils m'ont donné un numéro de dossier, c'est 45-778-912",
        "ils m'ont donné un numéro de dossier, c'est [identifiant]",
    ),
    ("voici mon numéro de demande : 45 778 912", "voici mon numéro de demande : [identifiant]"),
    ("numéro de dossier : FT457812", "numéro de dossier : [identifiant]"),
    (
        "numéro de dossier MDPH 0456789 toujours en attente",
        "numéro de dossier MDPH [identifiant] toujours en attente",
    ),
    (
        "la référence en haut de la lettre c'est 457 812 093",
        "la référence en haut de la lettre c'est [identifiant]",
    ),
    (
        "réf. du courrier : 0045781203, envoyé le 3 avril",
        "réf. du courrier : [identifiant], envoyé le 3 avril",
    ),
    (
        "j'ai reçu un sms avec un numéro de suivi 78451236, c'est quoi ?",
        "j'ai reçu un sms avec un numéro de suivi [identifiant], c'est quoi ?",
    ),
    (
        "le numéro de dossier de bourse de ma fille c'est 2245871",
        "le numéro de dossier de bourse de ma fille c'est [identifiant]",
    ),
    (
        "au commissariat ils m'ont donné le numéro de plainte 00457812",
        "au commissariat ils m'ont donné le numéro de plainte [identifiant]",
    ),
    (
        "mon numéro de patient à l'hôpital c'est 30012458",
        "mon numéro de patient à l'hôpital c'est [identifiant]",
    ),
    ("mon numéro de retraite carsat 0457812369", "mon numéro de retraite carsat [identifiant]"),
    # ------------------------------------------------------------------
    # D. Ameli / CPAM numbers (not the NIR)
    # ------------------------------------------------------------------
    ("le numero sur ma lettre ameli 123456789", "le numero sur ma lettre ameli [identifiant]"),
    (
        "la cpam m'a envoyé un courrier réf 458 771 203",
        "la cpam m'a envoyé un courrier réf [identifiant]",
    ),
    (
        "mon numéro de dossier cpam c'est le 87-451-236",
        "mon numéro de dossier cpam c'est le [identifiant]",
    ),
    # ------------------------------------------------------------------
    # E. Préfecture: foreigner number (AGDREF), récépissé; school: INE
    # ------------------------------------------------------------------
    ("mon numéro étranger c'est le 7501234567", "mon numéro étranger c'est le [identifiant]"),
    (
        "sur mon titre de séjour le numero etranger est 0751234567 et ils disent qu'il existe pas",
        "sur mon titre de séjour le numero etranger est [identifiant] "
        "et ils disent qu'il existe pas",
    ),
    (
        "le numéro AGDREF 9912345678 est pas reconnu sur le site",
        "le numéro AGDREF [identifiant] est pas reconnu sur le site",
    ),
    (
        "le numéro de mon récépissé est 7512345678, il expire le 15 mars 2024",
        "le numéro de mon récépissé est [identifiant], il expire le 15 mars 2024",
    ),
    ("l'INE de mon fils c'est 0712345678K", "l'INE de mon fils c'est [identifiant]"),
    # ------------------------------------------------------------------
    # F. Fiscal number, bank card
    # ------------------------------------------------------------------
    (
        "mon numéro fiscal 3012345678912 est sur ma feuille d'impôts",
        "mon numéro fiscal [identifiant] est sur ma feuille d'impôts",
    ),
    ("numero fiscal : 30 12 345 678 912", "numero fiscal : [identifiant]"),
    (
        "ma carte bancaire 4970 1012 3456 7893 a été bloquée",
        "ma carte bancaire [identifiant] a été bloquée",
    ),
    # ------------------------------------------------------------------
    # G. Several identifiers in one sentence
    # ------------------------------------------------------------------
    (
        "mon numéro caf 1234567 et mon identifiant france travail 7654321K",
        "mon numéro caf [identifiant] et mon identifiant france travail [identifiant]",
    ),
    ("dossier 45-778-912, allocataire 2345678", "dossier [identifiant], allocataire [identifiant]"),
    (
        "numero alloc 1122334 et numero fiscal 3012345678912 c'est tout ce que j'ai",
        "numero alloc [identifiant] et numero fiscal [identifiant] c'est tout ce que j'ai",
    ),
    (
        "ils ont mélangé mon numéro allocataire 1234567 avec celui de mon ex, le 7654321",
        "ils ont mélangé mon numéro allocataire [identifiant] "
        "avec celui de mon ex, le [identifiant]",
    ),
    (
        "dossier 45-778-912, allocataire 2345678, tél 06 12 34 56 78",
        "dossier [identifiant], allocataire [identifiant], tél [téléphone]",
    ),
    # ------------------------------------------------------------------
    # H. Other categories (phones, e-mails, NIR, IBAN, addresses, names)
    # ------------------------------------------------------------------
    ("appelez-moi au 06 12 34 56 78", "appelez-moi au [téléphone]"),
    ("mon tel 0612345678 si besoin", "mon tel [téléphone] si besoin"),
    ("+33 6 12 34 56 78 c'est mon portable", "[téléphone] c'est mon portable"),
    ("mon num c 07.81.22.45.90 rappelez moi svp", "mon num c [téléphone] rappelez moi svp"),
    ("écrivez-moi à karima.benali@gmail.com", "écrivez-moi à [courriel]"),
    ("mon mail c jdupont75@hotmail.fr", "mon mail c [courriel]"),
    ("mon numéro de sécu c'est le 1 85 05 78 006 084 91", "mon numéro de sécu c'est le [n° sécu]"),
    ("numero secu 284067512345688 pour la cpam", "numero secu [n° sécu] pour la cpam"),
    (
        "mon identifiant ameli c'est mon numéro de sécu 185057800608491",
        "mon identifiant ameli c'est mon numéro de sécu [n° sécu]",
    ),
    ("mon IBAN FR76 3000 6000 0112 3456 7890 189", "mon IBAN [IBAN]"),
    (
        "ils ont versé sur FR1420041010050500013M02606 au lieu de mon compte",
        "ils ont versé sur [IBAN] au lieu de mon compte",
    ),
    ("j'habite au 12 rue des Lilas", "j'habite au [adresse]"),
    ("envoyez le courrier au 4 bis avenue Jean Jaurès.", "envoyez le courrier au [adresse]."),
    ("je m'appelle Karima Benali", "je m'appelle [nom]"),
    ("Madame Dupont m'a raccroché au nez", "Madame [nom] m'a raccroché au nez"),
    ("mon fils Yanis a 8 ans", "mon fils [nom] a 8 ans"),
]

UNCHANGED: list[str] = [
    # amounts
    "j'ai touché 1234 euros",
    "un indu de 2 345,67 €",
    "je touche 1 234 € par mois",
    "ils me réclament 1250 euros depuis mars 2023",
    "on m'a coupé les APL de 245,30 € en janvier",
    "mon RSA est passé de 607,75 € à 0 €",
    # dates, years, times, durations
    "le 15 mars 2024",
    "depuis 2019",
    "rdv à 14h30",
    "rdv le 12/06/2024 à 9h",
    "j'ai attendu entre 2019 et 2023",
    "ça fait 18 mois que j'attends",
    # law references
    "article L. 553-2",
    "d'après l'article L. 262-46 du code de l'action sociale",
    "ils citent l'article R. 351-2 dans la lettre",
    # postal codes alone, départements
    "j'habite dans le 72",
    "code postal 72000",
    "je suis dans le 93 depuis 2 ans",
    # counts, ages, percentages
    "3 enfants",
    "dossier refusé 3 fois",
    "j'ai 45 ans",
    "mon fils a 12 ans et ma fille 7",
    "ils me retiennent 75 % de mon salaire",
    "ma CAF a 2 mois de retard",
    # public service numbers (4 digits)
    "le numéro 3949 de france travail",
    "le numéro de la caf c'est le 3230",
    "j'ai appelé le 3646 dix fois",
    "pour france travail c'est le 3949",
    # identifier phrases NOT followed by an identifier
    "mon numéro allocataire je l'ai pas sous la main",
    "mon identifiant a changé en 2022",
    "ils m'ont donné un numéro de dossier le 15 mars 2024",
    "ils m'ont donné un numéro de dossier il y a 3 semaines",
    "j'ai eu 3 numéros de dossier différents",
    "mon numéro allocataire a été bloqué et j'ai perdu 1234 euros",
    "mon dossier n'avance pas depuis 2019",
    "à la caf je suis depuis 2015",
    # name-like words that are not names
    "mon fils est malade depuis 3 jours",
    "Madame la directrice m'a jamais répondu",
    "Monsieur le préfet a signé le 2 mai",
    # ordinary sentence
    "la préfecture m'a dit de revenir dans 6 semaines",
]
