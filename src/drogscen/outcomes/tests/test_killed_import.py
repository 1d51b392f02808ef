"""An import killed mid-way (SIGKILL while it writes) leaves nothing partial: the
database has none of the file's events, its audit chain verifies, and the same file
imports in full afterwards. The import runs in its own process on a restored copy of
the test database (SQLite or PostgreSQL, as the suite runs)."""

from __future__ import annotations

import os
import re
import signal
import time

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from drogscen.core.testing import count_rows_at, drogscen_command, fresh_database

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 160_000  # four write batches: enough to be caught between two of them
BAR = re.compile(rb"(\d+)/(\d+)")


def events_file(path) -> None:
    rng = np.random.default_rng(7)
    pd.DataFrame(
        {
            "event_id": [f"K{i}" for i in range(ROWS)],
            "occurred_at": "2025-05-01T21:00",
            "crime_code": "0372",
            "x": 674_000 + rng.integers(0, 2_000, ROWS),
            "y": 6_580_000 + rng.integers(0, 2_000, ROWS),
        }
    ).to_csv(path, index=False)


def kill_while_writing(process, deadline_s: float = 240.0) -> bool:
    """SIGKILL the import once its bar shows the write under way (after the check has
    reached its total, a count short of the new total); False if it ended first."""
    seen, checked = b"", False
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            return False
        seen += chunk
        for done, total in BAR.findall(seen):
            done, total = int(done), int(total)
            if done == total == ROWS:
                checked = True
            elif checked and 0 < done < total:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=30)
                return True
        seen = seen[-200:]
    process.kill()
    return False


def test_an_import_killed_while_writing_leaves_nothing(tmp_path, reference_data):
    backup = tmp_path / "start.backup"
    call_command("backup", str(backup))
    path = tmp_path / "brott.csv"
    events_file(path)
    with fresh_database(tmp_path) as url:
        restored = drogscen_command("restore", str(backup), database_url=url)
        assert restored.returncode == 0, restored.stderr
        process = drogscen_command(
            "import_events",
            str(path),
            "--source",
            "polisen",
            "--progress",
            database_url=url,
            popen=True,
            stdout=open(os.devnull, "wb"),  # noqa: SIM115 - closed with the process
            stderr=-1,  # subprocess.PIPE
        )
        assert kill_while_writing(process), "the import finished before it could be killed"
        assert process.returncode == -signal.SIGKILL
        tables = ["outcomes_crimeevent", "audit_auditentry"]
        after_kill = count_rows_at(url, tables)
        assert after_kill["outcomes_crimeevent"] == 0
        verified = drogscen_command("verify_audit", database_url=url)
        assert verified.returncode == 0, verified.stderr

        again = drogscen_command(
            "import_events", str(path), "--source", "polisen", database_url=url
        )
        assert again.returncode == 0, again.stderr
        assert count_rows_at(url, tables)["outcomes_crimeevent"] == ROWS
