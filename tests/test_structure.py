"""Structural checks on the source tree."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "drogscen"

GATE_ONLY = "principal_for"


def gate_bypasses(source: str, filename: str) -> list[str]:
    """`filename:line` of each use (call, attribute, name or import) of `principal_for`
    in the source. Access is decided in core/access.py and the apps' access.py; anywhere
    else a caller asks the gate's API instead of re-deriving scope from memberships."""
    lines = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if (
            (isinstance(node, ast.Name) and node.id == GATE_ONLY)
            or (isinstance(node, ast.Attribute) and node.attr == GATE_ONLY)
            or (
                isinstance(node, ast.ImportFrom | ast.Import)
                and any(alias.name.split(".")[-1] == GATE_ONLY for alias in node.names)
            )
        ):
            lines.append(node.lineno)
    return [f"{filename}:{line}" for line in sorted(lines)]


def test_access_decided_only_in_the_gate():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if path.name == "access.py" or "tests" in relative.parts:
            continue
        found += gate_bypasses(path.read_text(encoding="utf-8"), str(relative))
    assert not found, "principal_for used outside the access gate: " + ", ".join(found)


def test_the_gate_checker_reports_a_view_calling_principal_for():
    view = (
        "from drogscen.core import access\n"
        "from drogscen.core.access import principal_for\n"
        "\n"
        "def organisations(request):\n"
        "    principal = access.principal_for(request.user)\n"
        "    return principal_for(request.user).organisation_ids()\n"
    )
    assert gate_bypasses(view, "drogscen/x/views.py") == [
        "drogscen/x/views.py:2",
        "drogscen/x/views.py:5",
        "drogscen/x/views.py:6",
    ]
    assert gate_bypasses("from drogscen.core import access\n", "ok.py") == []
