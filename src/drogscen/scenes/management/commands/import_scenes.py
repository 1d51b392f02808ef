from drogscen.core.imports import ImportCommand


class Command(ImportCommand):
    kind = "scenes"
    help = (
        "Import scenes from a GeoJSON FeatureCollection, a GeoPackage or a zipped shapefile: "
        "insert or update by ref. A file with any invalid feature writes nothing and exits 2."
    )
    file_help = "GeoJSON (WGS84), GeoPackage or zipped shapefile (any CRS)"
    as_help = "import as this user: only scenes within the user's scope may be written"
