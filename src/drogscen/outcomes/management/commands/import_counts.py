from drogscen.core.imports import ImportCommand


class Command(ImportCommand):
    help = (
        "Import aggregated counts (scene_ref, year, zone, category, count) or youth "
        "signals (scene_ref, year, quarter, indicator, count) from CSV, XLSX or ODS: insert "
        "or update. A file with any invalid row writes nothing and exits 2."
    )
    kind = "counts"
    file_help = "CSV (UTF-8, header row), Excel workbook (XLSX) or OpenDocument spreadsheet (ODS)"
    as_help = "import as this user: only scenes the user may record outcome data for"
