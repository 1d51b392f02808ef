"""Issue 13: no import cycles, layers import downwards.

Every module under src/drogscen is parsed with `ast`; every import counts, also the ones
inside functions, and relative imports are resolved. Modules map to apps, apps to layers:

    0  core, evaluation (pure)
    1  accounts, geo, audit, scenes, questionnaires, mappings, interventions, outcomes,
       evaluations
    2  reports, dashboards
    3  config (the URL and settings wiring) and the package root

An app may import its own layer and the layers below it. A lower layer that needs
something from above gets it by registration (`core.registry` for the demo and
reference-data steps). Test modules (`tests` packages) are left out: they exercise the
layers together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

PACKAGE = "drogscen"
SRC = Path(__file__).resolve().parent.parent / "src" / PACKAGE

LAYERS: dict[str, int] = {
    "core": 0,
    "evaluation": 0,
    **dict.fromkeys(
        (
            "accounts",
            "geo",
            "audit",
            "scenes",
            "questionnaires",
            "mappings",
            "interventions",
            "outcomes",
            "evaluations",
        ),
        1,
    ),
    "reports": 2,
    "dashboards": 2,
    "config": 3,
    "": 3,  # drogscen/__init__.py, __main__.py
}

# (importing module, imported module) pairs that still go upwards, each with why.
ALLOWED_UPWARD: set[tuple[str, str]] = set()  # none left: core reads accounts and geo
# models through Django's app registry (apps.get_model), which is no import.


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).parts
        if "tests" in rel or "migrations" in rel:
            continue
        yield module_name(path), path


def imports_of(module: str, source: str, is_package: bool) -> Iterator[tuple[str, bool]]:
    """(imported module, at module level) for every import of `source`, relative ones
    resolved against `module`; `from x import y` yields `x.y` (y may be a submodule)."""
    tree = ast.parse(source)
    top_level: set[int] = set()

    def outside_functions(node: ast.AST) -> None:
        # imports run at import time: in the module body, under `if`/`try`, in classes
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                top_level.add(id(child))
            elif not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                outside_functions(child)

    outside_functions(tree)
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in top_level
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if _type_checking_only(tree, node):
                continue
            for alias in node.names:
                yield f"{target}.{alias.name}", id(node) in top_level


def _type_checking_only(tree: ast.Module, node: ast.AST) -> bool:
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.If)
            and "TYPE_CHECKING" in ast.unparse(stmt.test)
            and any(node is sub for sub in ast.walk(stmt))
        ):
            return True
    return False


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    if len(parts) == 1 or parts[1] not in LAYERS:
        return ""
    return parts[1]


def upward_imports(modules: Iterable[tuple[str, str, bool]]) -> list[tuple[str, str]]:
    """The (importer, imported) pairs going from a lower to a higher layer; `modules` is
    (name, source, is_package)."""
    found = []
    for name, source, is_package in modules:
        here = app_of(name)
        for target, _top in imports_of(name, source, is_package):
            there = app_of(target)
            if there is None or here is None:
                continue
            if LAYERS[there] > LAYERS[here]:
                found.append((name, _strip_name(target)))
    return sorted(set(found))


def _strip_name(target: str) -> str:
    """`from a.b import c` gives `a.b.c`; keep it when it is a module, else `a.b`."""
    parts = target.split(".")
    while parts:
        rel = Path(*parts[1:]) if len(parts) > 1 else Path()
        if (SRC / rel).with_suffix(".py").exists() or (SRC / rel / "__init__.py").exists():
            return ".".join(parts)
        parts.pop()
    return target


def _sources() -> list[tuple[str, str, bool]]:
    return [
        (name, path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for name, path in project_modules()
    ]


def test_layers_import_only_downwards():
    found = set(upward_imports(_sources()))
    unexpected = sorted(found - ALLOWED_UPWARD)
    assert not unexpected, "upward imports:\n" + "\n".join(f"{a} -> {b}" for a, b in unexpected)
    stale = sorted(ALLOWED_UPWARD - found)
    assert not stale, f"allow-list entries no longer needed: {stale}"


def test_the_checker_sees_a_synthetic_upward_import():
    source = (
        "from . import models\n"
        "def f():\n"
        "    from ..reports.renderers import render_html\n"
        "    import drogscen.dashboards.views\n"
    )
    found = upward_imports([("drogscen.interventions.reporting", source, False)])
    assert found == [
        ("drogscen.interventions.reporting", "drogscen.dashboards.views"),
        ("drogscen.interventions.reporting", "drogscen.reports.renderers"),
    ]
    # a downward import is fine
    assert not upward_imports([("drogscen.reports.x", "from ..core import models\n", False)])


def _module_level_graph(sources: list[tuple[str, str, bool]]) -> dict[str, set[str]]:
    names = {name for name, _s, _p in sources}
    graph: dict[str, set[str]] = {}
    for name, source, is_package in sources:
        edges = set()
        for target, top in imports_of(name, source, is_package):
            if not top:
                continue
            # `from a import b`: b may be a submodule or a name in a
            while target and target not in names:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                edges.add(target)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = grey
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt, black) == grey:
                return stack[stack.index(nxt) :] + [nxt]
            if colour.get(nxt) == white and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        colour[node] = black
        return None

    for node in sorted(graph):
        if colour[node] == white and (cycle := visit(node)):
            return cycle
    return None


def test_no_module_level_import_cycles():
    cycle = find_cycle(_module_level_graph(_sources()))
    assert cycle is None, " -> ".join(cycle)


@pytest.mark.parametrize(
    "graph, has_cycle",
    [({"a": {"b"}, "b": {"a"}}, True), ({"a": {"b"}, "b": set()}, False)],
)
def test_the_cycle_finder(graph, has_cycle):
    assert (find_cycle(graph) is not None) is has_cycle
