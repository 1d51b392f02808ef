from pathlib import Path

from django.core.management.base import BaseCommand

from drogscen.audit.context import acting
from drogscen.core.imports import ImportRejected, command_rejection, command_summary, command_user
from drogscen.mappings.importing import mappings_import


class Command(BaseCommand):
    help = (
        "Import earlier years' mappings (recorded as approved) from CSV or JSON Lines, one "
        "mapping per row. A file with any invalid row writes nothing and exits 2; "
        "importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="CSV (UTF-8, header row; lists ';'-separated) or JSON Lines (lists as arrays)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="import as this user: only mappings of scenes of the user's local police "
            "area may be recorded",
        )
        parser.add_argument(
            "--progress", action="store_true", help="always show a progress bar on stderr"
        )

    def handle(self, *args, file, dry_run=False, as_user=None, progress=False, **options):
        user = command_user(as_user)
        label = Path(file).name
        with acting(user, via="command"):
            try:
                result = mappings_import(
                    path=file, dry_run=dry_run, progress=True if progress else None, by=user
                )
            except ImportRejected as exc:
                raise command_rejection(exc, label=label, stderr=self.stderr) from exc
        self.stdout.write(command_summary(result, label=label))
