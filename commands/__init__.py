"""Feature packages. `all_features()` is the only entry point the engine uses."""

from __future__ import annotations

from bot.feature import Feature


def all_features() -> list[Feature]:
    from commands.agenda import AgendaFeature
    from commands.aide import AideFeature
    from commands.annonce import AnnonceFeature
    from commands.appel import AppelFeature
    from commands.droit import DroitFeature
    from commands.lettre import LettreFeature
    from commands.temoignage import TemoignageFeature

    return [
        AideFeature(),
        AgendaFeature(),
        DroitFeature(),
        TemoignageFeature(),
        AppelFeature(),
        AnnonceFeature(),
        LettreFeature(),
    ]
