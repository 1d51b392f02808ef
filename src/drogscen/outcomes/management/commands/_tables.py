"""What import_counts and import_survey share."""

from pathlib import Path

from django.core.management.base import BaseCommand

from drogscen.audit.context import acting
from drogscen.core.imports import ImportRejected, command_rejection, command_summary, command_user


class TableImportCommand(BaseCommand):
    service = None  # a function of path, dry_run, by, show_progress

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8, header row) or Excel workbook (XLSX)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="import as this user: only scenes the user may record outcome data for",
        )
        parser.add_argument(
            "--progress", action="store_true", help="always show a progress bar on stderr"
        )

    def handle(self, *args, file, dry_run=False, as_user=None, progress=False, **options):
        user = command_user(as_user)
        label = Path(file).name
        with acting(user, via="command"):
            try:
                result = type(self).service(
                    path=file,
                    dry_run=dry_run,
                    by=user,
                    show_progress=True if progress else None,
                )
            except ImportRejected as exc:
                raise command_rejection(exc, label=label, stderr=self.stderr) from exc
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(command_summary(result, label=label))
