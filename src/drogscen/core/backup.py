"""Backup and restore of the whole database (docs/architecture.md#backup-and-restore).

SQLite: a copy made with SQLite's online backup API (consistent while the app runs),
marked as a drogscen backup by a small table in the copy. PostgreSQL: `pg_dump` in its
custom format, restored with `pg_restore` in one transaction. A restore goes into the
database named by `DATABASE_URL`, which must be empty unless `force` is given; a file
that is not a drogscen backup of the same database kind is refused.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
MARKER_TABLE = "drogscen_backup"
FORMAT_VERSION = "1"
# tables that every drogscen database has; a dump without them is not ours
REQUIRED_TABLES = ("django_migrations", "audit_auditentry")


class BackupError(Exception):
    """The backup or restore was refused or failed; the message is for the operator."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    vendor: str
    size: int


def backup_create(*, path: str | os.PathLike) -> BackupInfo:
    """Write a backup of the current database to `path` (replaced only once complete)."""
    target = Path(path)
    if not target.parent.is_dir():
        raise BackupError(_("%(path)s: the folder does not exist") % {"path": target})
    handle, partial = tempfile.mkstemp(prefix=".backup-", dir=target.parent)
    os.close(handle)
    partial = Path(partial)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(partial)
        elif connection.vendor == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}"])
        else:  # pragma: no cover - the project runs on these two only
            raise BackupError(_("backups are made of SQLite and PostgreSQL databases only"))
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(target, connection.vendor, target.stat().st_size)


def backup_restore(*, path: str | os.PathLike, force: bool = False) -> BackupInfo:
    """Restore `path` into the database of `DATABASE_URL`; BackupError when the file is
    not a drogscen backup for this kind of database, or the database is not empty and
    `force` is not given."""
    source = Path(path)
    vendor = backup_vendor(source)
    if vendor != connection.vendor:
        raise BackupError(
            _("%(path)s is a backup of a %(file)s database; this database is %(target)s")
            % {"path": source.name, "file": vendor, "target": connection.vendor}
        )
    if not force and _has_tables():
        raise BackupError(
            _(
                "the database is not empty; restore into a new, empty database, or give "
                "--force to replace everything in it"
            )
        )
    if vendor == "sqlite":
        _sqlite_restore(source)
    else:
        clean = ["--clean", "--if-exists"] if force else []
        _run(
            ["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error", *clean]
            + [f"--dbname={_conninfo()}", str(source)],
            with_database=False,
        )
    return BackupInfo(source, vendor, source.stat().st_size)


def backup_vendor(path: Path) -> str:
    """ "sqlite" or "postgresql" for a drogscen backup; BackupError for anything else."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(_("%(path)s: no such file") % {"path": path}) from None
    except OSError as exc:
        raise BackupError(f"{path}: {exc.strerror or exc}") from None
    not_ours = BackupError(_("%(path)s is not a drogscen backup") % {"path": path.name})
    if head.startswith(SQLITE_MAGIC):
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError:
            raise not_ours from None
        if MARKER_TABLE not in tables or not set(REQUIRED_TABLES) <= tables:
            raise not_ours
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        if shutil.which("pg_restore") is None:
            _run(["pg_restore"], with_database=False)  # says what to install
        try:
            listing = _run(["pg_restore", "--list", str(path)], with_database=False)
        except BackupError:
            raise not_ours from None
        if not all(re.search(rf"\bTABLE public {table}\b", listing) for table in REQUIRED_TABLES):
            raise not_ours
        return "postgresql"
    raise not_ours


# --- SQLite ----------------------------------------------------------------------------


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
        copy.execute(f"CREATE TABLE {MARKER_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
        copy.executemany(
            f"INSERT INTO {MARKER_TABLE} VALUES (?, ?)",
            [("format", FORMAT_VERSION), ("created_at", timezone.now().isoformat())],
        )
    copy.close()


def _sqlite_restore(source: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup:
        backup.backup(connection.connection)
    backup.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")


def _has_tables() -> bool:
    return bool(connection.introspection.table_names())


# --- PostgreSQL --------------------------------------------------------------------------


def _conninfo() -> str:
    settings = connection.settings_dict
    parts = {
        "dbname": settings["NAME"],
        "host": settings.get("HOST") or "",
        "port": str(settings.get("PORT") or ""),
        "user": settings.get("USER") or "",
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def _run(command: list[str], *, with_database: bool = True) -> str:
    if shutil.which(command[0]) is None:
        raise BackupError(
            _("%(program)s is not installed (Debian: postgresql-client)") % {"program": command[0]}
        )
    if with_database:
        command = [*command, f"--dbname={_conninfo()}"]
    env = {**os.environ}
    if password := connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = password
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": done.stderr.strip()[:500]}
        )
    return done.stdout
