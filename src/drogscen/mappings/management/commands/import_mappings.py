from drogscen.core.imports import ImportCommand


class Command(ImportCommand):
    kind = "mappings"
    help = (
        "Import earlier years' mappings (recorded as approved) from CSV, an XLSX or ODS "
        "spreadsheet or JSON Lines, one mapping per row. A file with any invalid row writes "
        "nothing and exits 2; importing the same file again changes nothing."
    )
    file_help = (
        "CSV (UTF-8, header row; lists ';'-separated), XLSX or ODS (the first sheet, the "
        "same columns) or JSON Lines (lists as arrays)"
    )
    as_help = (
        "import as this user: only mappings of scenes of the user's local police area may be "
        "recorded"
    )
