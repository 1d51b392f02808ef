from pathlib import Path

from django.core.management.base import BaseCommand

from drogscen.audit.context import acting
from drogscen.core.imports import ImportRejected, command_rejection, command_summary, command_user
from drogscen.interventions.importing import interventions_import


class Command(BaseCommand):
    help = (
        "Import an organisation's interventions, targets and progress from the template "
        "workbook (XLSX) or a CSV of interventions: insert or update by organisation and "
        "ref. A file with any invalid row writes nothing and exits 2."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the template workbook (.xlsx) or a CSV with its interventions columns"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="import as this user: only that user's organisations and visible scenes",
        )

    def handle(self, *args, file, dry_run=False, as_user=None, **options):
        user = command_user(as_user)
        label = Path(file).name
        with acting(user, via="command"):
            try:
                result = interventions_import(path=file, dry_run=dry_run, by=user)
            except ImportRejected as exc:
                raise command_rejection(exc, label=label, stderr=self.stderr) from exc
        self.stdout.write(command_summary(result, label=label))
