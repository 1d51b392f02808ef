"""The one way a file is imported, whatever it holds (docs/architecture.md#import-pipeline):

    file checked (exists, size, kind by content)
      → spec.read     rows, features or column batches, by the core readers
      → spec.check    every row checked, all problems collected; ImportRejected when any
      → spec.compare  inside the transaction: what is new, changed, unchanged
      → spec.write    only when not a dry run and something changes
      → one audit entry of the import (file, format, SHA-256, counts)

An `ImportSpec` says, for one kind (scenes, mappings, interventions, events, counts,
survey), what it accepts and how its rows are checked, compared and written; domain apps
keep only that. `run_import` returns the one `ImportResult` of every kind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from drogscen.core import registry
from drogscen.core.imports.files import MAX_IMPORT_BYTES, file_checked, sha256
from drogscen.core.imports.problems import ImportResult

ProgressCallback = Callable[[int, int], None]  # (rows done, rows in all)


@dataclass(frozen=True)
class ImportFile:
    """The file being imported: its path, the name it is shown by (an upload keeps the
    name it had on the user's machine) and its kind by content."""

    path: Path
    label: str
    kind: str

    @property
    def sha256(self) -> str:
        return sha256(self.path)


class Progress:
    """Reports rows done to the caller's callback (a web upload stores it, a command
    draws a bar), at most every `step` rows so that a million rows cost little."""

    def __init__(self, callback: ProgressCallback | None = None, *, step: int = 1000) -> None:
        self.callback = callback
        self.step = step

    def report(self, done: int, total: int) -> None:
        if self.callback is not None:
            self.callback(done, total)

    def over[T](self, items: Iterable[T], *, total: int) -> Iterator[T]:
        """The items, reporting as they are consumed (and once at the end)."""
        if self.callback is None:
            yield from items
            return
        done = 0
        self.report(0, total)
        for item in items:
            yield item
            done += 1
            if done % self.step == 0:
                self.report(done, total)
        self.report(done, total)


@dataclass
class Plan:
    """What `compare` found: the result to return and whatever `write` needs."""

    result: ImportResult
    data: Any = None
    audit: dict[str, Any] | None = None  # extra audit fields (e.g. the events' source)


class ImportSpec:
    """One import kind. Subclasses set the class attributes and implement `read`,
    `check`, `compare` and `write`; `options` are the kind's own settings (the events'
    source and coordinate system), from the command line or the upload form."""

    kind: ClassVar[str]
    title: ClassVar[Any]  # a lazy translated name, e.g. "Scenes"
    accepted: ClassVar[tuple[str, ...]]
    expected: ClassVar[Any]  # what the file should be, in "is X, not EXPECTED"
    max_bytes: ClassVar[int] = MAX_IMPORT_BYTES
    audit_model: ClassVar[str]  # "app_label.Model" of the audit entry
    description: ClassVar[Any] = ""  # what the file holds, for the upload page
    options_form: ClassVar[type | None] = None  # a django.forms.Form of the options
    links: ClassVar[tuple[tuple[Any, str], ...]] = ()  # (label, URL name) for the upload page

    def __init__(self, **options: Any) -> None:
        self.options = options

    # --- who ---------------------------------------------------------------------------

    @classmethod
    def may_import(cls, user) -> bool:
        """Whether the user may upload files of this kind at all; what each row may
        touch is checked row by row in `check`."""
        raise NotImplementedError

    # --- the stages -----------------------------------------------------------------------

    def expected_for(self, path: Path) -> Any:
        return self.expected

    def before_read(self, file: ImportFile) -> None:
        """Checks of the options that refuse the file before it is read."""

    def read(self, file: ImportFile) -> Any:
        raise NotImplementedError

    def check(self, rows: Any, *, file: ImportFile, by, progress: Progress) -> Any:
        raise NotImplementedError

    def compare(self, checked: Any, *, file: ImportFile, by, dry_run: bool) -> Plan:
        raise NotImplementedError

    def write(self, plan: Plan, *, file: ImportFile, by, progress: Progress) -> None:
        raise NotImplementedError

    def run(self, **kwargs: Any) -> ImportResult:
        """`run_import` with this spec (path, by, dry_run, on_progress, label)."""
        return run_import(spec=self, **kwargs)

    # --- what the upload page shows ---------------------------------------------------------

    def result_rows(self, result: dict[str, Any]) -> list[tuple[Any, int, str]]:
        """(label, number, test id) rows of a stored result (`ImportResult.as_dict`)."""
        rows = [
            (_("Rows read"), result.get("read", 0), "read"),
            (_("Created"), result.get("created", 0), "created"),
            (_("Updated"), result.get("updated", 0), "updated"),
            (_("Unchanged"), result.get("unchanged", 0), "unchanged"),
        ]
        if result.get("removed"):
            rows.append((_("Removed"), result["removed"], "removed"))
        if result.get("rejected"):
            rows.append((_("Invalid rows left out"), result["rejected"], "rejected"))
        return rows

    def result_lists(self, result: dict[str, Any]) -> list[tuple[Any, list[str], str]]:
        """(heading, lines, test id) lists under the result table, e.g. the warnings."""
        warnings = result.get("warnings") or []
        return [(_("Warnings"), warnings, "warnings")] if warnings else []

    def options_shown(self, options: dict[str, Any]) -> list[tuple[Any, str]]:
        """(label, value) of the upload's options for its page."""
        return []

    # --- the record -----------------------------------------------------------------------

    def audit_object(self, file: ImportFile) -> str:
        return file.label

    def audit_changes(self, plan: Plan, file: ImportFile) -> dict[str, Any]:
        return {
            "file": file.label,
            "format": file.kind,
            **(plan.audit or {}),
            "sha256": file.sha256,
            **plan.result.counts(),
        }


def run_import(
    *,
    spec: ImportSpec,
    path: str | os.PathLike,
    by=None,
    dry_run: bool = False,
    on_progress: ProgressCallback | None = None,
    label: str | None = None,
) -> ImportResult:
    """Import one file as `by` (None: the operator, no scope), all or nothing.

    Raises ImportRejected, writing nothing, when the file or any row is unusable or
    outside the user's scope. `dry_run` checks and counts only. Re-importing the same
    file changes nothing and records nothing."""
    path = Path(path)
    label = label or path.name
    progress = Progress(on_progress)
    kind = file_checked(
        path,
        label=label,
        accepted=spec.accepted,
        expected=spec.expected_for(path),
        max_bytes=spec.max_bytes,
    )
    file = ImportFile(path=path, label=label, kind=kind)
    spec.before_read(file)
    rows = spec.read(file)
    checked = spec.check(rows, file=file, by=by, progress=progress)
    with transaction.atomic():
        # compared inside the transaction: what is compared with stays true until it commits
        plan = spec.compare(checked, file=file, by=by, dry_run=dry_run)
        plan.result.dry_run = dry_run
        if dry_run or not plan.result.writes:
            return plan.result
        spec.write(plan, file=file, by=by, progress=progress)
        registry.record_import(
            model=apps.get_model(spec.audit_model),
            object_repr=spec.audit_object(file),
            changes=spec.audit_changes(plan, file),
        )
    return plan.result


RUN_ARGUMENTS = frozenset({"by", "dry_run", "on_progress", "label"})


def entry_point(spec_class: type[ImportSpec]) -> Callable[..., ImportResult]:
    """The function that imports one file of a kind, for code and tests:
    ``f(*, path, by=None, dry_run=False, on_progress=None, label=None, **options)`` runs
    `run_import` with a new spec made with the kind's options (e.g. the events' source)."""

    def import_file(*, path: str | os.PathLike, **arguments: Any) -> ImportResult:
        options = {k: v for k, v in arguments.items() if k not in RUN_ARGUMENTS}
        run = {k: v for k, v in arguments.items() if k in RUN_ARGUMENTS}
        return run_import(spec=spec_class(**options), path=path, **run)

    import_file.__name__ = import_file.__qualname__ = f"{spec_class.kind}_import"
    import_file.__doc__ = f"Import one file of the kind {spec_class.kind!r} ({spec_class.__name__})"
    return import_file


def spec_for(kind: str, **options: Any) -> ImportSpec:
    """The registered spec of an import kind, with its options."""
    return registry.import_spec_class(kind)(**options)
