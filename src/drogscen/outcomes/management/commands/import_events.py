from drogscen.core.imports import ImportCommand
from drogscen.outcomes.importing import event_summary
from drogscen.outcomes.parsing import TARGET_CRS


class Command(ImportCommand):
    help = (
        "Import crime events (CSV, Parquet, GeoPackage, zipped shapefile or JSON Lines with "
        "columns event_id, occurred_at, crime_code, x, y): insert or update by source and "
        "event_id. A file with any invalid row writes nothing and exits 2 (unless "
        "--skip-invalid)."
    )
    kind = "events"
    file_help = "CSV, Parquet, GeoPackage, zipped shapefile or JSON Lines of crime events"
    as_help = "record the import as this user"

    def add_kind_arguments(self, parser):
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

    def spec_options(self, options):
        return {
            "source": options["source"],
            "crs": options["crs"],
            "skip_invalid_to": options["skip_invalid"],
        }

    def warning_lines(self, spec, result):
        details = result.details
        return [*details.get("rejected_examples", []), *details.get("skipped_examples", [])]

    def summary(self, spec, result, *, label):
        return event_summary(result, label)
