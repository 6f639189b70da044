"""The project's founding documents (shared/seeds), as a person can name them.

Content cites a seed by file and line(s) so that the validator can check the quote; people
see the document's own title and date instead ("Lettre d'un collectif du Mans, 2022").
"""

from __future__ import annotations

# Seed file → how it is named to people. Dates are those printed in the documents.
SEED_DOCUMENTS: dict[str, str] = {
    "000_ade1e073b3f9d4c6.txt": "Lettre d'un collectif du Mans, 2022",
    "001_d635d0c8c0d9202c.txt": (
        "« Sortir du bocal numérique », convention de Halte au contrôle numérique, septembre 2023"
    ),
    "002_9de114ad769292c2.txt": (
        "« Solidarités numériques : le Libre se mobilise », Framablog, 2020"
    ),
    "003_18feb48805c8247c.txt": "« Le numérique, ce n'est plus du service public », CQFD, 2022",
    "004_5ea614946fae7449.txt": "Revue « Numérique En Commun[s] » de l'ANCT, dossier santé, 2023",
}


def seed_label(seed: str) -> str | None:
    """The readable name of a seed file, or None when it is not a known document."""
    return SEED_DOCUMENTS.get(seed)
