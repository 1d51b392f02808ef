from drogscen.core.imports import ImportCommand


class Command(ImportCommand):
    kind = "interventions"
    help = (
        "Import an organisation's interventions, targets and progress from the template "
        "workbook (XLSX, or saved as ODS) or a CSV of interventions: insert or update by "
        "organisation and ref. A file with any invalid row writes nothing and exits 2."
    )
    file_help = "the template workbook (.xlsx or .ods) or a CSV with its interventions columns"
    as_help = "import as this user: only that user's organisations and visible scenes"
