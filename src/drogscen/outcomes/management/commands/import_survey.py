from drogscen.core.imports import ImportCommand


class Command(ImportCommand):
    help = (
        "Import safety-survey results (scene_ref, year, indicator, value, respondents) "
        "from CSV, XLSX or ODS: insert or update. A file with any invalid row writes "
        "nothing and exits 2."
    )
    kind = "survey"
    file_help = "CSV (UTF-8, header row), Excel workbook (XLSX) or OpenDocument spreadsheet (ODS)"
    as_help = "import as this user: only scenes the user may record outcome data for"
