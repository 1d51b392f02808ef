"""Issue 13: tests share data through factory modules (`<app>/tests/factories.py`) and
helpers (`drogscen.core.testing`), never by importing another test module.

Importing a `test_*` module runs its module-level code in the importer, lets pytest see
its tests twice when a test function is imported, and ties one app's tests to another's
file layout. Every Python file under the test folders is parsed with `ast`; every import
counts, also the ones inside functions, and relative imports are resolved.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


def files_with_tests() -> list[Path]:
    in_apps = (p for p in (SRC / "drogscen").rglob("*.py") if "tests" in p.parts)
    return sorted([*in_apps, *(ROOT / "tests").rglob("*.py"), ROOT / "conftest.py"])


def module_of(path: Path) -> list[str]:
    base = SRC if path.is_relative_to(SRC) else ROOT
    parts = list(path.relative_to(base).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported_modules(path: Path, source: str) -> list[str]:
    """Every module `source` imports; `from x import y` yields both x and x.y (y may be a
    submodule), relative imports resolved against the file's package."""
    package = module_of(path)
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append(module)
            found += [f"{module}.{alias.name}" for alias in node.names]
    return found


def imports_a_test_module(module: str) -> bool:
    return any(part.startswith("test_") for part in module.split("."))


def test_the_check_sees_each_way_of_importing_a_test_module():
    here = SRC / "drogscen" / "mappings" / "tests" / "test_x.py"
    sources = [
        "from drogscen.mappings.tests.test_workflow import OPEN_ANSWERS\n",
        "import drogscen.mappings.tests.test_pages\n",
        "from drogscen.mappings.tests import test_form\n",
        "from .test_workflow import OPEN_ANSWERS\n",
        "from . import test_pages\n",
        "def f():\n    from ..tests.test_form import publish_variant\n",
    ]
    for source in sources:
        assert any(map(imports_a_test_module, imported_modules(here, source))), source
    allowed = "from drogscen.mappings.tests.factories import OPEN_ANSWERS\nimport pytest\n"
    assert not any(map(imports_a_test_module, imported_modules(here, allowed)))


def test_no_test_module_imports_another_test_module():
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in files_with_tests()
        for module in imported_modules(path, path.read_text(encoding="utf-8"))
        if imports_a_test_module(module) and not imports_a_test_module(module.rpartition(".")[0])
    }
    assert not offending, (
        "Move what tests share into the app's tests/factories.py (or drogscen.core.testing) "
        "and import it from there:\n" + "\n".join(sorted(offending))
    )
