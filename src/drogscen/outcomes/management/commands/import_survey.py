from drogscen.outcomes.importing import survey_import
from drogscen.outcomes.management.commands._tables import TableImportCommand


class Command(TableImportCommand):
    help = (
        "Import safety-survey results (scene_ref, year, indicator, value, respondents) "
        "from CSV or XLSX: insert or update. A file with any invalid row writes nothing "
        "and exits 2."
    )
    service = staticmethod(survey_import)
