"""What is wrong with a file, located so that the user can find it, and what an import
did: `ImportProblem` (file, row or feature, field, message), `ImportRejected` (the file
was refused, nothing written), `RowChecker` (collects the problems of every row before
anything is written) and `ImportResult`, the one result of every import kind
(docs/architecture.md#import-pipeline, docs/contracts.md#import-rules)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from drogscen.core.imports.values import FieldInvalid

MAX_REPORTED_PROBLEMS = 50


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import file, located so the user can find and fix it.

    `where` is e.g. "row 12" or "feature 3 (ref P-1)" (see `row_label`, `feature_label`);
    empty for a problem with the whole file. `field` is the column or property name as
    written in the file. Shown as "FILE, feature 3 (ref P-1), field: message".
    """

    file: str
    where: str = ""
    field: str = ""
    message: str = ""

    def __str__(self) -> str:
        head = ", ".join(part for part in (self.file, self.where, self.field) if part)
        return f"{head}: {self.message}"


def row_label(number: int) -> str:
    """Rows are counted as a spreadsheet shows them: the header is row 1."""
    return _("row %(number)s") % {"number": number}


def feature_label(number: int, ref: str | None = None) -> str:
    """Features are counted from 1 in the order of the file."""
    if ref:
        return _("feature %(number)s (ref %(ref)s)") % {"number": number, "ref": ref}
    return _("feature %(number)s") % {"number": number}


def line_label(number: int) -> str:
    """Lines of a JSON Lines file, counted from 1."""
    return _("line %(number)s") % {"number": number}


class ImportRejected(Exception):
    """The file was refused and nothing was written. Keeps the first
    `MAX_REPORTED_PROBLEMS` problems and the total count."""

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        problems = list(problems)
        self.total = len(problems)
        self.problems = problems[:MAX_REPORTED_PROBLEMS]
        first = str(self.problems[0]) if self.problems else ""
        super().__init__(first if self.total == 1 else f"{first} (+{self.total - 1})")

    @classmethod
    def of_file(cls, label: str, message: str, *, where: str = "", field: str = ""):
        """A refusal for one problem, usually of the whole file."""
        return cls([ImportProblem(label, where, field, message)])

    @property
    def more(self) -> int:
        return self.total - len(self.problems)

    def lines(self) -> list[str]:
        """The problems as lines for a terminal or a page, then how many were left out."""
        lines = [str(problem) for problem in self.problems]
        if self.more:
            lines.append(_("… and %(count)s more") % {"count": self.more})
        return lines


class RowChecker:
    """Collects the problems of a file row by row; `raise_if_any` refuses the file with
    all of them. `value` reads one field with a parser that raises FieldInvalid and
    returns `default` (recording the problem) when it does."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[ImportProblem] = []

    def add(self, where: str, field: str, message: str) -> None:
        self.problems.append(ImportProblem(self.label, where, field, message))

    def value(self, where: str, field: str, parse: Callable[[], Any], default: Any = None) -> Any:
        try:
            return parse()
        except FieldInvalid as exc:
            self.add(where, field, str(exc))
            return default

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ImportRejected(self.problems)


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do). `removed` and `rejected` are
    for the kinds that have them (events outside the county, rows skipped as invalid);
    `warnings` are things written that the user should know; `details` the kind's own
    figures (e.g. the events' coordinate system), shown on the upload page."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: int = 0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    COUNTS = ("read", "created", "updated", "unchanged", "removed", "rejected")

    def counts(self) -> dict[str, int]:
        """The counts recorded in the audit entry; removed and rejected only when the
        import has them, so the record of the other kinds is as it always was."""
        counts = {name: getattr(self, name) for name in self.COUNTS}
        for optional in ("removed", "rejected"):
            if not counts[optional]:
                del counts[optional]
        return counts

    @property
    def writes(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def as_dict(self) -> dict[str, Any]:
        """The result as stored with a web upload (JSON)."""
        return {
            **{name: getattr(self, name) for name in self.COUNTS},
            "dry_run": self.dry_run,
            "warnings": list(self.warnings),
            "details": dict(self.details),
        }
