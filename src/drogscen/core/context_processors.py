from django.conf import settings


def map_tiles(request):
    """The deployment's own tile server, when it has one (maps work without)."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
