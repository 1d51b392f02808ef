"""Backup and restore: a round trip into a fresh, empty database keeps every row and an
intact audit chain; a restore refuses a database that is not empty (unless forced) and
a file that is not a backup. On SQLite and PostgreSQL alike (the suite runs on both)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from drogscen.core.testing import count_rows_at, drogscen_command, fresh_database

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def empty_database(tmp_path):
    with fresh_database(tmp_path) as url:
        yield url, None


def drogscen(*arguments, database_url):
    return drogscen_command(*arguments, database_url=database_url)


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_backup_restores_into_an_empty_database_with_every_row(
    tmp_path, reference_data, make_user, scene_factory, empty_database
):
    make_user("lpo:jarva", "editor")
    scene_factory("B-1")
    scene_factory("B-2")
    backup = tmp_path / "drogscen.backup"
    call_command("backup", str(backup))
    before = row_counts()
    assert before["scenes_scene"] == 2 and before["audit_auditentry"] > 0
    url, _name = empty_database

    restored = drogscen("restore", str(backup), database_url=url)
    assert restored.returncode == 0, restored.stderr
    assert count_rows_at(url, before) == before
    verified = drogscen("verify_audit", database_url=url)
    assert verified.returncode == 0, verified.stderr

    # a second restore into the now full database is refused, unless forced
    again = drogscen("restore", str(backup), database_url=url)
    assert again.returncode == 2
    assert "not empty" in again.stderr or "inte tom" in again.stderr
    forced = drogscen("restore", str(backup), "--force", database_url=url)
    assert forced.returncode == 0, forced.stderr
    assert count_rows_at(url, before) == before


@pytest.mark.parametrize(
    "content",
    [b"scene_ref,year\n", b"", b"SQLite format 3\x00" + b"\x00" * 100, b"PGDMP not really"],
)
def test_a_file_that_is_not_a_backup_is_refused(tmp_path, empty_database, content):
    path = tmp_path / "not-a-backup"
    path.write_bytes(content)
    url, _name = empty_database
    done = drogscen("restore", str(path), database_url=url)
    assert done.returncode == 2
    assert "not-a-backup" in done.stderr


def test_a_database_of_another_program_is_not_taken_for_a_backup(tmp_path, empty_database):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE django_migrations (id INTEGER)")
    url, _name = empty_database
    done = drogscen("restore", str(path), database_url=url)
    assert done.returncode == 2
    assert "other.sqlite3" in done.stderr


def test_a_backup_into_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(Exception) as excinfo:
        call_command("backup", str(tmp_path / "no" / "such" / "drogscen.backup"))
    assert getattr(excinfo.value, "returncode", None) == 2
    assert not (tmp_path / "no").exists()
    assert not list(Path(tmp_path).glob(".backup-*"))
