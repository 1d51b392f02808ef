"""The one base of the import commands (import_scenes, import_mappings,
import_interventions, import_events, import_counts, import_survey): the file, `--dry-run`,
`--as`, `--progress`; exit 2 with the first 50 problems when the file is refused
(docs/contracts.md#import-rules)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from drogscen.core import registry
from drogscen.core.imports.pipeline import ImportSpec, run_import, spec_for
from drogscen.core.imports.problems import ImportRejected, ImportResult

PROGRESS_THRESHOLD = 1000  # rows; smaller files finish before a bar helps


class ImportCommand(BaseCommand):
    """Subclasses name their `kind` (a registered ImportSpec), say what the file is and
    what `--as` limits, and may add the kind's own options."""

    kind: str
    file_help: str = ""
    as_help: str = "import as this user: only what the user may write is accepted"
    progress_option: bool = True

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        self.add_kind_arguments(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument("--as", dest="as_user", metavar="USERNAME", help=self.as_help)
        if self.progress_option:
            parser.add_argument(
                "--progress", action="store_true", help="always show a progress bar on stderr"
            )

    def add_kind_arguments(self, parser) -> None:
        """The kind's own options (the events' --source and --crs)."""

    def spec_options(self, options: dict[str, Any]) -> dict[str, Any]:
        """The spec's options from the parsed command line."""
        return {}

    def handle(self, *args, file, dry_run=False, as_user=None, progress=False, **options):
        user = command_user(as_user)
        label = Path(file).name
        spec = spec_for(self.kind, **self.spec_options(options))
        # the bar draws on the stream itself: the command's wrapper would end each redraw
        stream = getattr(self.stderr, "_out", self.stderr)
        with (
            registry.acting(user, via="command"),
            TerminalProgress(label, stream=stream, always=progress) as bar,
        ):
            try:
                result = run_import(
                    spec=spec, path=file, by=user, dry_run=dry_run, on_progress=bar.update
                )
            except ImportRejected as exc:
                raise command_rejection(exc, label=label, stderr=self.stderr) from exc
        for line in self.warning_lines(spec, result):
            self.stderr.write(line)
        self.stdout.write(self.summary(spec, result, label=label))

    def warning_lines(self, spec: ImportSpec, result: ImportResult) -> list[str]:
        return list(result.warnings)

    def summary(self, spec: ImportSpec, result: ImportResult, *, label: str) -> str:
        return command_summary(result, label=label)


class TerminalProgress:
    """A bar on stderr while rows are checked and written: shown with `--progress`, or
    for more than PROGRESS_THRESHOLD rows when stderr is a terminal."""

    def __init__(self, label: str, *, stream=None, always: bool = False) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.always = always
        self.bar = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            isatty = getattr(self.stream, "isatty", None)
            terminal = total > PROGRESS_THRESHOLD and bool(isatty and isatty())
            if not (self.always or terminal):
                return
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=self.label, file=self.stream, unit="", leave=False)
        if self.bar.total != total:
            self.bar.reset(total=total)
        self.bar.n = done
        self.bar.refresh()


def command_user(username: str | None):
    """The active user named by a command's `--as`, or None (the operator: no scope)."""
    from django.contrib.auth import get_user_model

    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(
            _("No active user named %(username)s.") % {"username": username}, returncode=2
        )
    return user


def command_rejection(exc: ImportRejected, *, label: str, stderr) -> CommandError:
    """Print each problem line to the command's stderr; the CommandError (exit 2) to raise."""
    for line in exc.lines():
        stderr.write(line)
    message = ngettext(
        "%(file)s: nothing was imported (%(count)s problem).",
        "%(file)s: nothing was imported (%(count)s problems).",
        exc.total,
    )
    return CommandError(message % {"file": label, "count": exc.total}, returncode=2)


def command_summary(result, *, label: str) -> str:
    """The line an import command prints on success: what was (or, in a dry run, would
    be) created, updated and left unchanged. ``result`` has ``dry_run`` and ``counts()``."""
    counts = {"file": label, **result.counts()}
    if result.dry_run:
        message = _(
            "%(file)s: dry run, nothing written. %(read)s read; would create "
            "%(created)s, update %(updated)s, leave %(unchanged)s unchanged."
        )
    else:
        message = _(
            "%(file)s: %(read)s read, %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
    return message % counts
