"""`drogscen report --year Y --format json|html|pdf|xlsx|csv --out PATH [--as USERNAME]`
(docs/contracts.md#commands): the county report for a reference year, written whole or
not at all.

Exit status 2 for every mistake of the caller — a year outside the data, an unknown
format, a binary format to standard output, a destination that cannot be written, an
unknown user — with a message naming the problem, and no file left behind."""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from drogscen.core.commands import ExitTwoOnBadArguments
from drogscen.core.imports import command_user
from drogscen.reports.builder import ReportYearError, report_build, report_years
from drogscen.reports.renderers import BINARY_FORMATS, FORMATS, PdfLibraryMissing, render


class Command(ExitTwoOnBadArguments):
    help = (
        "Write the county report of a reference year as JSON, HTML, PDF, XLSX or CSV "
        "(--out - writes JSON, HTML or CSV to standard output)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="reference year")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--out",
            required=True,
            metavar="PATH",
            help="file to write, or - for standard output (json, html, csv)",
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the report as this user may see it (county totals, own areas' breakdowns)",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=f"language of the report's text (default {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args, year, format, out, as_user=None, language=None, **options):
        to_stdout = out == "-"
        if to_stdout and format in BINARY_FORMATS:
            raise CommandError(
                _(
                    "A %(format)s file is binary and cannot be written to standard output; "
                    "give a file with --out."
                )
                % {"format": format.upper()},
                returncode=2,
            )
        user = command_user(as_user)
        try:
            self._write(year, format, out, user, language)
        except PdfLibraryMissing as exc:
            # Not the destination's fault (the half-made file is already removed).
            raise CommandError(str(exc)) from exc

    def _write(self, year, format, out, user, language):
        to_stdout = out == "-"
        if to_stdout:
            self.stdout.write(self._rendered(year, format, user, language), ending="")
            return
        destination = Path(out)
        try:
            with _ReplacingFile(destination) as handle:
                content = self._rendered(year, format, user, language)
                data = content if isinstance(content, bytes) else content.encode("utf-8")
                handle.write(data)
        except OSError as exc:
            raise CommandError(_unwritable(destination, exc), returncode=2) from exc
        summary = _("Wrote the %(year)s report (%(format)s, %(size)s) to %(path)s.")
        if user is not None:
            summary = _(
                "Wrote the %(year)s report as %(user)s may see it (%(format)s, %(size)s) "
                "to %(path)s."
            )
        self.stderr.write(
            summary
            % {
                "year": year,
                "format": format.upper(),
                "size": filesizeformat(len(data)),
                "path": out,
                "user": getattr(user, "username", ""),
            }
        )

    def _rendered(self, year: int, format: str, user, language: str | None) -> str | bytes:
        try:
            report = report_build(year=year, fetched_by=user)
        except ReportYearError as exc:
            years = report_years()
            if years:
                message = _(
                    "There is no report for %(year)s: the approved mappings cover "
                    "%(first)s–%(last)s."
                ) % {"year": year, "first": years[0], "last": years[-1]}
            else:
                message = _(
                    "There is no report for %(year)s: there are no approved mappings yet."
                ) % {"year": year}
            raise CommandError(message, returncode=2) from exc
        with translation.override(language or settings.LANGUAGE_CODE):
            return render(report, format)


def _unwritable(path: Path, exc: OSError) -> str:
    """Why `path` cannot be written, in words a user can act on."""
    parent = path.parent if str(path.parent) else Path(".")
    if isinstance(exc, FileNotFoundError) and not parent.is_dir():
        problem = _("the directory %(directory)s does not exist") % {"directory": parent}
    elif isinstance(exc, NotADirectoryError):
        problem = _("%(directory)s is not a directory") % {"directory": parent}
    elif isinstance(exc, IsADirectoryError) or path.is_dir():
        problem = _("it is a directory")
    elif isinstance(exc, PermissionError) or exc.errno in {errno.EACCES, errno.EPERM}:
        problem = _("no permission to write in %(directory)s") % {"directory": parent}
    elif exc.errno == errno.EROFS:
        problem = _("the file system is read-only")
    elif exc.errno == errno.ENOSPC:
        problem = _("the disk is full")
    else:
        problem = exc.strerror or str(exc)
    return _("%(path)s cannot be written: %(error)s") % {"path": path, "error": problem}


class _ReplacingFile:
    """A new file beside `path`, renamed over it when the block succeeds and removed when
    it fails, so `path` holds either the old content or the whole new one. Created with
    the usual permissions (0666 less the umask), like any file the user writes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.part")
        self.handle = None

    def __enter__(self):
        if self.path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(self.path))
        descriptor = os.open(self.temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        self.handle = os.fdopen(descriptor, "wb")
        return self.handle

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.handle.close()
            if exc_type is None:
                os.replace(self.temporary, self.path)
        finally:
            if exc_type is not None or self.temporary.exists():
                self.temporary.unlink(missing_ok=True)
