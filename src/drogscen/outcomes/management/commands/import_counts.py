from drogscen.outcomes.importing import counts_import
from drogscen.outcomes.management.commands._tables import TableImportCommand


class Command(TableImportCommand):
    help = (
        "Import aggregated counts (scene_ref, year, zone, category, count) or youth "
        "signals (scene_ref, year, quarter, indicator, count) from CSV or XLSX: insert or "
        "update. A file with any invalid row writes nothing and exits 2."
    )
    service = staticmethod(counts_import)
