"""Test helpers shared by every app's tests (imported by tests only)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def get_with_queries(client, path: str, params: dict | None = None, *, status: int = 200):
    """GET path as the client and return (response, the SQL it ran); the response must
    have the given status. One helper for every query-count budget (docs/architecture.md)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params or {})
    assert response.status_code == status, (path, response.status_code)
    return response, [query["sql"] for query in context.captured_queries]


@contextlib.contextmanager
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the suite's kind (a file for SQLite, a new
    database on the same server for PostgreSQL), dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / f'fresh-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    user = settings["USER"] or "postgres"
    admin = f"host={host} port={port} user={user} dbname=postgres"
    name = f"drogscen_fresh_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://{user}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drogscen_command(*arguments: str, database_url: str, **popen) -> subprocess.Popen | Any:
    """`drogscen ARGUMENTS` in its own process against `database_url`: the finished
    process (stdout, stderr, returncode), or with ``popen=True`` the running one."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "drogscen", *arguments]
    if popen.pop("popen", False):
        return subprocess.Popen(command, env=env, **popen)
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def count_rows_at(database_url: str, tables) -> dict[str, int]:
    """Row counts of tables in another database (not the test's connection)."""
    query = 'SELECT COUNT(*) FROM "{}"'
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            counts = {t: db.execute(query.format(t)).fetchone()[0] for t in tables}
        db.close()
        return counts
    import psycopg

    with psycopg.connect(database_url) as db:
        return {t: db.execute(query.format(t)).fetchone()[0] for t in tables}
