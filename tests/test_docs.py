"""The documentation index points at code that exists: every module path and function
it names, and every section it links to (a renamed function breaks this test, not a
newcomer's search)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SOURCE = ROOT / "src" / "drogscen"

MODULE = re.compile(r"`([a-z_]+(?:/[a-z_0-9]+)+\.(?:py|json))((?:::\w+)?)`")
MEMBER = re.compile(r"`::(\w+)`")
LINK = re.compile(r"\]\(([\w-]+\.md)(?:#([\w-]+))?\)")


def anchors(markdown: str) -> set[str]:
    titles = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-") for title in titles}


def named_members(line: str):
    """(module path, member or None) for each `path.py::name` and each following `::name`."""
    current = None
    for match in re.finditer(r"`([^`]+)`", line):
        text = match.group(1)
        if found := MODULE.fullmatch(f"`{text}`"):
            current = found.group(1)
            yield current, found.group(2)[2:] or None
        elif (member := MEMBER.fullmatch(f"`{text}`")) and current:
            yield current, member.group(1)


def test_every_module_and_function_in_the_index_exists():
    missing = []
    for line in (DOCS / "README.md").read_text().splitlines():
        for path, member in named_members(line):
            file = ROOT / path if path.startswith(("tests/", "bench/")) else SOURCE / path
            if not file.exists():
                missing.append(path)
            elif member and not re.search(
                rf"^\s*(?:def|class|async def) {member}\b|^{member}\s*=", file.read_text(), re.M
            ):
                missing.append(f"{path}::{member}")
    assert not missing


def test_every_link_between_the_documents_resolves():
    broken = []
    for doc in DOCS.glob("*.md"):
        for target, anchor in LINK.findall(doc.read_text()):
            file = DOCS / target
            if not file.exists() or (anchor and anchor not in anchors(file.read_text())):
                broken.append(f"{doc.name} → {target}#{anchor}")
    assert not broken


def test_code_comments_point_at_sections_that_exist():
    broken = []
    for module in SOURCE.rglob("*.py"):
        for target, anchor in re.findall(r"docs/([\w-]+\.md)(?:#([\w-]+))?", module.read_text()):
            file = DOCS / target
            if not file.exists() or (anchor and anchor not in anchors(file.read_text())):
                broken.append(f"{module.relative_to(SOURCE)} → {target}#{anchor}")
    assert not broken
