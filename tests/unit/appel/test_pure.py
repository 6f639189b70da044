"""The pure parts: wire format, content hash, subscriptions, hops, options, config."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.configcheck import ConfigError
from bot.message import Channel
from commands.appel.config import AppelConfig, GroupRule, mode_of
from commands.appel.matching import (
    copy_key,
    forward_rooms,
    has_been_here,
    plan,
    receivers,
    subscribed,
)
from commands.appel.model import (
    Call,
    CallEvent,
    InvalidCall,
    clean_tags,
    content_hash,
    new_uid,
    parse_event,
    to_content,
)
from commands.appel.options import OptionError, default_expiry, parse_options
from tests.unit.appel.conftest import make_config

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)  # a Wednesday


def a_call(**changes: object) -> Call:
    values: dict[str, object] = {
        "uid": "abcdefgh2345",
        "origin_instance": "Relais Est",
        "origin_group": "lyon",
        "text": "Rassemblement samedi",
        "tags": ("santé",),
        "created": NOW,
        "expiry": NOW + timedelta(days=3),
        "hops": ("Relais Est",),
        "link": None,
    }
    values.update(changes)
    return Call(**values)  # type: ignore[arg-type]


# -- wire format ------------------------------------------------------------------------------
def test_event_round_trip_and_retraction_without_text() -> None:
    call = a_call(link="https://matrix.to/#/!r:x/$e")
    content = to_content(CallEvent(call), "lisible")
    assert content["body"] == "lisible" and content["version"] == 1
    assert parse_event(content) == CallEvent(call)
    retract = to_content(CallEvent(call, retract=True), "retiré")
    assert retract["text"] == "" and retract["link"] is None
    parsed = parse_event(retract)
    assert parsed.retract and parsed.call.uid == call.uid


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("version", 2),
        ("id", "court"),
        ("id", "a b c d e f"),
        ("origin_instance", ""),
        ("text", ""),
        ("text", "x" * 10_001),
        ("tags", "santé"),
        ("tags", ["x"] * 21),
        ("hops", [1]),
        ("expiry", "2026-05-20T10:00:00"),  # no time zone
        ("retract", "oui"),
    ],
)
def test_invalid_events_are_refused(field: str, value: object) -> None:
    content = to_content(CallEvent(a_call()), "b")
    content[field] = value
    with pytest.raises(InvalidCall):
        parse_event(content)


def test_unknown_fields_are_ignored_and_odd_links_dropped() -> None:
    content = to_content(CallEvent(a_call()), "b")
    content["futur"] = {"x": 1}
    content["link"] = "javascript:alert(1)"
    assert parse_event(content).call.link is None


def test_content_hash_ignores_case_accents_spacing_and_punctuation() -> None:
    assert content_hash("Réunion  publique, mercredi 18h !") == content_hash(
        "reunion publique mercredi 18h"
    )
    assert content_hash("Réunion mercredi") != content_hash("Réunion jeudi")


def test_uids_and_tags() -> None:
    assert len({new_uid() for _ in range(200)}) == 200
    assert clean_tags(["#Santé", " sante ", "72", ""]) == ("santé", "72")


# -- subscriptions and hops ----------------------------------------------------------------------
def test_subscriptions_by_tags_names_and_everything(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    angers = next(g for g in config.groups if g.name == "angers")
    assert subscribed(a_call(tags=("SANTE",)), angers, GroupRule())  # its own tags, no accents
    assert not subscribed(a_call(tags=("72",)), angers, GroupRule())
    assert subscribed(a_call(tags=()), angers, GroupRule(groups=("lyon",)))
    assert subscribed(a_call(tags=()), angers, GroupRule(groups=("Lyon@relais est",)))
    assert not subscribed(a_call(tags=()), angers, GroupRule(groups=("lyon@Relais Nord",)))
    assert subscribed(a_call(tags=()), angers, GroupRule(everything=True))
    assert not subscribed(a_call(), angers, GroupRule(tags=()))  # explicit: nothing by tags


def test_receivers_skip_the_origin_and_default_modes(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    appel = config.feature("calls", AppelConfig)
    found = receivers(a_call(origin_group="le-mans"), config, appel, exclude="le-mans")
    assert [(r.group.name, r.mode) for r in found] == [
        ("angers", "direct"),  # no organisers' room
        ("tours", "validation"),
    ]
    tours = next(g for g in config.groups if g.name == "tours")
    assert mode_of(tours, GroupRule(mode="direct")) == "direct"
    summary = plan(config, found, peers=1)
    assert summary.direct == (("angers", 2),) and summary.validation == ("tours",)
    assert not summary.mastodon and not summary.empty


def test_loop_prevention_and_forwarding() -> None:
    call = a_call(hops=("Relais Est", "Relais Sud"))
    assert has_been_here(call, "relais est")
    assert has_been_here(call, "Relais Sud")
    assert not has_been_here(call, "Relais Ouest")
    assert has_been_here(call.with_hop("Relais Ouest"), "Relais Ouest")
    assert call.with_hop("Relais Sud") == call
    appel = AppelConfig(coordination_rooms=("!a:x", "matrix:!b:x"))
    assert forward_rooms(appel, None) == ["!a:x", "matrix:!b:x"]
    assert forward_rooms(appel, "!b:x") == ["!a:x"]


def test_keys_are_stable_and_per_channel() -> None:
    room = Channel("matrix", "!r:x")
    assert copy_key("u1", room) == copy_key("u1", Channel("matrix", "!r:x", group="g"))
    assert copy_key("u1", room) != copy_key("u1", Channel("matrix", "!s:x"))
    assert copy_key("u1", room).startswith("appel-u1-")


# -- options --------------------------------------------------------------------------------------
def test_options_before_the_text() -> None:
    options = parse_options("--tags santé, 72 —expire 30/05 --local Réunion\nà 18h", NOW, PARIS)
    assert options.tags == ("santé", "72")
    assert options.local
    assert options.expiry == datetime(2026, 5, 31, 0, 0, tzinfo=PARIS)
    assert options.text == "Réunion\nà 18h"
    later = parse_options("--expire samedi 14h Manif", NOW, PARIS)
    assert later.expiry == datetime(2026, 5, 24, 0, 0, tzinfo=PARIS)  # Saturday, until its end
    assert later.text == "14h Manif"
    assert parse_options("Texte avec --tags au milieu", NOW, PARIS).tags is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("--tags", "Il manque la valeur après --tags"),
        ("--couleur rouge Texte", "Je ne connais pas l'option --couleur"),
        ("--local", "Il manque le texte de l'appel"),
        ("--expire 01/01/2020 Texte", "--expire"),
        ("--expire 31/02 Texte", "--expire"),
    ],
)
def test_option_errors(raw: str, expected: str) -> None:
    with pytest.raises(OptionError) as caught:
        parse_options(raw, NOW, PARIS)
    assert expected in caught.value.message


def test_default_expiry_is_the_end_of_a_day() -> None:
    assert default_expiry(NOW, 14, PARIS) == datetime(2026, 6, 4, 0, 0, tzinfo=PARIS)


# -- configuration ------------------------------------------------------------------------
def test_config_problems_name_their_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        make_config(
            tmp_path,
            appels={
                "coordination_rooms": ["!ok:exemple.org", "coordination"],
                "trusted_bots": ["relais"],
                "groups": {"angers": {"mode": "parfois", "receives": {"everything": "oui"}}},
                "inconnu": 1,
            },
        )
    problems = "\n".join(caught.value.problems)
    assert "calls.instance: donnez un nom à ce Relais" in problems
    assert "calls.coordination_rooms[1]: doit être un salon Matrix" in problems
    assert "calls.trusted_bots[0]: doit être un identifiant Matrix" in problems
    assert "calls.groups.angers.mode: doit valoir « direct » ou « validation »" in problems
    assert "calls.groups.angers.receives.everything: doit valoir true ou false" in problems
    assert "calls.inconnu: clé inconnue" in problems


def test_config_checked_against_the_groups(tmp_path: Path) -> None:
    # Caught when the configuration is read, so `relais check-config` reports it.
    with pytest.raises(ConfigError) as caught:
        make_config(
            tmp_path,
            appels={"groups": {"paris": {}, "angers": {"mode": "validation"}}},
        )
    assert caught.value.problems == [
        "calls.groups.paris: groupe inconnu (voir la liste « groups »)",
        "calls.groups.angers.mode: « validation » demande un organisers_room pour ce groupe",
    ]


def test_a_configuration_written_with_the_old_french_keys_still_works(tmp_path: Path) -> None:
    """Until 0.2 the section was `appels` with French keys: each old name still works and
    check-config names the new one."""
    config = make_config(
        tmp_path,
        appels_legacy={
            "instance": "Relais 72",
            "salons_coordination": ["!coord:exemple.org"],
            "groupes": {"angers": {"recoit": {"tout": True}}},
        },
    )
    appel = config.feature("calls", AppelConfig)
    assert appel.coordination_rooms == ("!coord:exemple.org",)
    assert appel.groups["angers"].everything
    assert "« appels » s'appelle maintenant « calls »" in config.notices[0]
    assert any(
        "« calls.groups.angers.receives.tout » s'appelle maintenant « calls.groups"
        ".angers.receives.everything »" in n
        for n in config.notices
    )


def test_an_old_and_a_new_name_together_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        make_config(tmp_path, appels={"max_length": 500, "longueur_max": 600})
    assert caught.value.problems[0].startswith(
        "calls.longueur_max: ancien nom de « calls.max_length »"
    )
