"""The shape of the code, checked: the import graph and the size of modules.

- no import cycle (imports under `if TYPE_CHECKING:` aside);
- no feature imports another feature; what two features need lives in the engine;
- the engine never imports a feature, except the composition root (`bot/cli.py`);
- transports never import features, features never import a transport;
- the development tooling (`devserver`) is not imported by the engine;
- no module over 400 lines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "commands", "devserver")
MAX_LINES = 400
COMPOSITION_ROOT = "bot.cli"


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if getattr(node, "lineno", 0) in skipped:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            # "from pkg import mod" depends on pkg.mod; "from mod import name" on mod.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        for imported in targets:
            target = imported
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imports_of(name, path, known)) for name, path in known.items()}


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "commands" and len(parts) > 1 else None


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_no_feature_imports_another_feature() -> None:
    crossings = [
        f"{source} -> {target}"
        for source, targets in graph().items()
        for target in targets
        if feature_of(source) and feature_of(target) and feature_of(source) != feature_of(target)
    ]
    assert crossings == []


def test_the_engine_knows_no_feature_and_transports_meet_features_only_in_the_engine() -> None:
    wrong = []
    for source, targets in graph().items():
        for target in targets:
            engine_to_feature = (
                source.startswith("bot")
                and source != COMPOSITION_ROOT
                and target.startswith("commands")
            )
            feature_to_transport = source.startswith("commands") and target.startswith(
                "bot.transports"
            )
            engine_to_tooling = source.startswith("bot") and target.startswith("devserver")
            if (
                engine_to_feature
                or feature_to_transport
                or (engine_to_tooling and source != COMPOSITION_ROOT)
            ):
                wrong.append(f"{source} -> {target}")
    assert wrong == []


def test_no_module_is_over_400_lines() -> None:
    long = {
        name: count
        for name, path in modules().items()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
