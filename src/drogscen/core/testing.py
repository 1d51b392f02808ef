"""Test helpers shared by every app's tests (imported by tests only)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def get_with_queries(client, path: str, params: dict | None = None, *, status: int = 200):
    """GET path as the client and return (response, the SQL it ran); the response must
    have the given status. One helper for every query-count budget (docs/architecture.md)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params or {})
    assert response.status_code == status, (path, response.status_code)
    return response, [query["sql"] for query in context.captured_queries]
