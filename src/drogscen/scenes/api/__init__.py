"""The scene registry over HTTP: the REST resource `/api/v1/scenes/` and the read-only
OGC API – Features shape at `/api/v1/collections/scenes/…` (docs/contracts.md#http-api)."""
