from pathlib import Path

from django.core.management.base import BaseCommand

from drogscen.audit.context import acting
from drogscen.core.imports import ImportRejected, command_rejection, command_user
from drogscen.outcomes.importing import events_import
from drogscen.outcomes.parsing import TARGET_CRS


class Command(BaseCommand):
    help = (
        "Import crime events (CSV, Parquet or GeoPackage with columns event_id, "
        "occurred_at, crime_code, x, y): insert or update by source and event_id. A file "
        "with any invalid row writes nothing and exits 2 (unless --skip-invalid)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV, Parquet or GeoPackage of crime events")
        parser.add_argument(
            "--source", required=True, help="who delivered the events, e.g. polisen"
        )
        parser.add_argument(
            "--crs",
            default=TARGET_CRS,
            help="coordinate system of x and y (default EPSG:3006; EPSG:4326 is lon, lat)",
        )
        parser.add_argument(
            "--skip-invalid",
            metavar="REJECTS.csv",
            help="import the valid rows and write the invalid ones with reasons to this file",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--as", dest="as_user", metavar="USERNAME", help="record the import as this user"
        )
        parser.add_argument(
            "--progress", action="store_true", help="always show a progress bar on stderr"
        )

    def handle(
        self,
        *args,
        file,
        source,
        crs=TARGET_CRS,
        skip_invalid=None,
        dry_run=False,
        as_user=None,
        progress=False,
        **options,
    ):
        user = command_user(as_user)
        label = Path(file).name
        with acting(user, via="command"):
            try:
                result = events_import(
                    path=file,
                    source=source,
                    crs=crs,
                    skip_invalid_to=skip_invalid,
                    dry_run=dry_run,
                    show_progress=True if progress else None,
                )
            except ImportRejected as exc:
                raise command_rejection(exc, label=label, stderr=self.stderr) from exc
        for line in result.rejected_examples:
            self.stderr.write(line)
        for line in result.skipped_examples:
            self.stderr.write(line)
        self.stdout.write(result.summary())
