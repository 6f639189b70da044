"""`relais` command line: run, console, check-config, backup, and the features' verbs."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import texts
from bot.bootstrap import all_migrations, feature_sections, load
from bot.config import Config, load_config
from bot.configcheck import ConfigError
from bot.feature import Feature
from bot.logs import describe_failure, setup_logging
from bot.store import Store, StoreError

if TYPE_CHECKING:
    from bot.app import App, RunningTransport

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
# On SIGTERM, how long the outbox may keep delivering before the process exits (systemd
# waits TimeoutStopSec=30 s before killing it: well inside).
STOP_GRACE_SECONDS = 10.0


def _features() -> list[Feature]:
    from commands import all_features

    return all_features()


class _Version(argparse.Action):
    """`--version`, reading the installed version only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        import bot

        print(f"relais {bot.__version__}")
        parser.exit()


def build_parser(features: Sequence[Feature]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relais",
        description="Relais : droits, témoignages, agenda et appels pour les collectifs.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="afficher la version")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="plus de journaux")
    sub = parser.add_subparsers(dest="verb", metavar="COMMANDE")

    run = sub.add_parser("run", help="démarrer le robot avec un fichier de configuration")
    run.add_argument("--config", type=Path, required=True, help="fichier YAML")
    run.set_defaults(func=cmd_run)

    console = sub.add_parser("console", help="discuter avec le robot dans le terminal")
    console.add_argument("--config", type=Path, help="fichier YAML (sinon : réglages intégrés)")
    console.add_argument("--data-dir", type=Path, help="dossier des données (défaut : ./data)")
    console.set_defaults(func=cmd_console)

    demo = sub.add_parser("demo", help="serveur Matrix local + robot, pour essayer avec Element")
    demo.add_argument(
        "--dossier", type=Path, default=Path(".relais-demo"), help="données de la démo"
    )
    demo.set_defaults(func=cmd_demo)

    init = sub.add_parser(
        "init",
        help="assistant de configuration : pose les questions et écrit config.yaml",
        description=(
            "Pose les questions une à une et écrit config.yaml et secrets.env (jamais par-dessus "
            "un fichier existant). Chaque option répond à une question à l'avance ; avec "
            "--sans-questions, toutes les réponses viennent des options, le mot de passe de "
            "RELAIS_MATRIX_PASSWORD et le jeton Mastodon de RELAIS_MASTODON_ACCESS_TOKEN."
        ),
    )
    init.add_argument("--dossier", type=Path, default=Path("."), help="où écrire les fichiers")
    init.add_argument("--sans-questions", action="store_true", help="ne rien demander")
    for flag, what in (
        ("--serveur", "adresse du serveur Matrix"),
        ("--compte", "identifiant Matrix du robot"),
        ("--groupe", "nom du groupe"),
        ("--salons", "salons du groupe (adresses ou numéros, séparés par des virgules)"),
        ("--salon-orga", "salon des organisatrices et organisateurs, ou « aucun »"),
        ("--organisateurs", "identifiants Matrix, séparés par des virgules"),
        ("--fuseau", "fuseau horaire (défaut : Europe/Paris)"),
        ("--mastodon", "adresse de l'instance Mastodon, ou « non »"),
        ("--organisateurs-mastodon", "comptes Mastodon, séparés par des virgules"),
    ):
        init.add_argument(flag, help=what)
    init.set_defaults(func=cmd_init)

    check = sub.add_parser("check-config", help="vérifier un fichier de configuration")
    check.add_argument("file", type=Path)
    check.set_defaults(func=cmd_check_config)

    backup = sub.add_parser("backup", help="copier la base de données, même pendant la marche")
    backup.add_argument("destination", type=Path)
    backup.add_argument("--config", type=Path)
    backup.add_argument("--data-dir", type=Path)
    backup.set_defaults(func=cmd_backup)

    for feature in features:
        feature.add_cli(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    features = _features()
    parser = build_parser(features)
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return EXIT_USAGE
    args.features = features
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR
    except StoreError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception as exc:  # never a raw traceback for a person at a terminal
        print(texts.UNEXPECTED_CLI_ERROR.format(kind=exc.__class__.__name__), file=sys.stderr)
        if getattr(args, "verbose", 0):
            print(describe_failure(exc), file=sys.stderr)
        return EXIT_ERROR


def cmd_demo(args: argparse.Namespace) -> int:
    from devserver.demo import run_demo

    setup_logging("WARNING", args.verbose)
    return asyncio.run(run_demo(args.dossier, args.features))


def cmd_init(args: argparse.Namespace) -> int:
    from bot.assistant.run import run_assistant

    setup_logging("WARNING", args.verbose)
    # The assistant explains failures in French; nio's retry warnings would only confuse.
    if not args.verbose:
        logging.getLogger("nio").setLevel(logging.ERROR)
    return run_assistant(
        args, lambda path: load_config(path, sections=feature_sections(args.features))
    )


def cmd_check_config(args: argparse.Namespace) -> int:
    config = load_config(args.file, sections=feature_sections(args.features))
    transports = [
        name
        for name, section in (
            ("matrix", config.matrix),
            ("mastodon", config.mastodon),
            ("e-mail", config.email),
        )
        if section
    ]
    for notice in config.notices:
        print(f"Attention : {notice}")
    print(
        f"Configuration valide : {len(config.groups)} groupe(s), "
        f"transports : {', '.join(transports) or 'console seulement'}."
    )
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    config = load(args, args.features)

    async def go() -> None:
        store = Store(config.database_path)
        await store.open(all_migrations(args.features))
        try:
            await store.backup(args.destination)
        finally:
            await store.close()

    asyncio.run(go())
    print(f"Sauvegarde écrite dans {args.destination}")
    return EXIT_OK


def cmd_console(args: argparse.Namespace) -> int:
    config = load(args, args.features)
    setup_logging("WARNING", args.verbose)
    return asyncio.run(_run_console(config, args.features))


async def _run_console(config: Config, features: Sequence[Feature]) -> int:
    # The App (scheduler, outbox, router) loads for the verbs that run the bot only.
    from bot.app import App
    from bot.transports.console.transport import ConsoleTransport

    async with App(config, features) as app:
        console = ConsoleTransport(
            drain=app.services.outbox.drain,
            group_for_room=lambda room: _group_name(config, "console", room),
        )
        await app.run_transports([console])
        await app.services.outbox.drain()
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    config = load(args, args.features)
    setup_logging(config.log_level, args.verbose)
    return asyncio.run(_run_service(config, args.features))


async def _run_service(config: Config, features: Sequence[Feature]) -> int:
    from bot.app import App

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with App(config, features) as app:
        transports: list[RunningTransport] = build_transports(config, app)
        add_senders(config, app)
        runner = asyncio.create_task(app.run_transports(transports))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done and not runner.done():
            # SIGTERM (systemd's stop) or Ctrl-C: let what is under way leave while the
            # transports still run; what cannot leave in time stays for the next start.
            started = loop.time()
            drained = await app.services.outbox.drain(STOP_GRACE_SECONDS)
            logger.info(
                "stopping: outbox %s in %.1f s",
                "empty" if drained else "kept for the next start",
                loop.time() - started,
            )
        for task in (runner, stopper):
            task.cancel()
        await asyncio.gather(runner, stopper, return_exceptions=True)
        if runner in done and runner.exception() is not None:
            raise runner.exception()  # type: ignore[misc]
    logger.info("stopped")
    return EXIT_OK


def build_transports(config: Config, app: App) -> list[RunningTransport]:
    from bot.transports.console.transport import ConsoleTransport

    """Matrix and Mastodon when configured; the console when neither is."""
    transports: list[RunningTransport] = []
    if config.matrix is not None:
        from bot.transports.matrix.transport import create as create_matrix

        transports.append(create_matrix(config, app.services))
    if config.mastodon is not None:
        from bot.transports.mastodon.transport import create as create_mastodon

        transports.append(create_mastodon(config, app.services))
    if not transports:
        transports.append(
            ConsoleTransport(
                drain=app.services.outbox.drain,
                group_for_room=lambda room: _group_name(config, "console", room),
            )
        )
    return transports


def add_senders(config: Config, app: App) -> None:
    """Transports that only send (e-mail): the outbox uses them, they have nothing to run."""
    if config.email is not None:
        from bot.transports.email.transport import EmailTransport

        app.add_transport(EmailTransport(config.email, app.services.store))


def _group_name(config: Config, transport: str, room: str) -> str | None:
    group = config.group_for_room(transport, room)
    return None if group is None else group.name


if __name__ == "__main__":
    sys.exit(main())
