from pathlib import Path

from django.core.management.base import BaseCommand

from drogscen.audit.context import acting
from drogscen.core.imports import ImportRejected, command_rejection, command_summary, command_user
from drogscen.scenes.importing import scenes_import


class Command(BaseCommand):
    help = (
        "Import scenes from a GeoJSON FeatureCollection or a GeoPackage: insert or update "
        "by ref. A file with any invalid feature writes nothing and exits 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON (WGS84) or GeoPackage (any CRS)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="import as this user: only scenes within the user's scope may be written",
        )
        parser.add_argument(
            "--progress", action="store_true", help="always show a progress bar on stderr"
        )

    def handle(self, *args, file, dry_run=False, as_user=None, progress=False, **options):
        user = command_user(as_user)
        label = Path(file).name
        with acting(user, via="command"):
            try:
                result = scenes_import(
                    path=file, dry_run=dry_run, by=user, progress=True if progress else None
                )
            except ImportRejected as exc:
                raise command_rejection(exc, label=label, stderr=self.stderr) from exc
        self.stdout.write(command_summary(result, label=label))
