"""`drogscen report`: writes the county report whole or not at all; every caller's
mistake exits 2 with a message naming the problem and leaves no file behind."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from drogscen.reports import renderers
from drogscen.reports.builder import report_build
from drogscen.reports.management.commands import report as report_command

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("report", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert raised.value.returncode == 2, raised.value
    return raised.value


def test_json_to_standard_output_is_the_report_alone(demo_county):
    stdout, stderr = run("--year", "2024", "--format", "json", "--out", "-")

    written = json.loads(stdout)
    expected = report_build(year=2024)
    written.pop("generated_at"), expected.pop("generated_at")
    assert written == expected
    assert stderr == ""


def test_csv_to_a_file_with_a_summary_on_stderr(demo_county, tmp_path):
    target = tmp_path / "county.csv"
    stdout, stderr = run("--year", "2024", "--format", "csv", "--out", str(target))

    rows = list(csv.DictReader(target.open(encoding="utf-8", newline="")))
    assert len(rows) == 26 and sum(int(r["scenes"]) for r in rows) == 53
    assert stdout == ""
    assert stderr.startswith("Wrote the 2024 report (CSV, ") and str(target) in stderr
    assert stderr.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["county.csv"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # usual permissions, not mkstemp's


def test_pdf_and_xlsx_are_written_as_files(demo_county, tmp_path):
    from openpyxl import load_workbook

    run("--year", "2024", "--format", "pdf", "--out", str(tmp_path / "county.pdf"))
    run("--year", "2024", "--format", "xlsx", "--out", str(tmp_path / "county.xlsx"))

    assert (tmp_path / "county.pdf").read_bytes().startswith(b"%PDF-")
    assert load_workbook(tmp_path / "county.xlsx").worksheets[1].max_row == 28  # 26 + header, total
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county.pdf", "county.xlsx"]


def test_as_a_user_gives_the_report_that_user_may_see(demo_county):
    stdout, _stderr = run(
        "--year", "2024", "--format", "json", "--out", "-", "--as", "solna-handlaggare"
    )

    report = json.loads(stdout)
    assert report["scope"] == "restricted"
    assert report["scenes"]["count"] == 53  # county totals stay
    assert report["municipalities"]["by_code"] == {"0184": 4}


def test_a_year_outside_the_data_is_refused(demo_county, tmp_path):
    error = refused("--year", "2019", "--format", "json", "--out", str(tmp_path / "r.json"))

    assert "2019" in str(error) and "2023–2024" in str(error)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_is_refused(tmp_path):
    error = refused("--year", "2024", "--format", "docx", "--out", str(tmp_path / "r.docx"))

    assert "docx" in str(error)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_exits_2_from_the_shell(tmp_path):
    target = tmp_path / "r.docx"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "drogscen.config.test_settings"}
    finished = subprocess.run(
        [sys.executable, "-m", "drogscen", "report", "--year", "2024", "--format", "docx"]
        + ["--out", str(target)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert finished.returncode == 2
    assert "invalid choice: 'docx'" in finished.stderr
    assert not target.exists()


@pytest.mark.parametrize("format", ["pdf", "xlsx"])
def test_a_binary_format_to_standard_output_is_refused(format):
    error = refused("--year", "2024", "--format", format, "--out", "-")
    assert "binary" in str(error) and "--out" in str(error)


def test_a_missing_directory_is_named(demo_county, tmp_path):
    target = tmp_path / "missing" / "r.csv"
    error = refused("--year", "2024", "--format", "csv", "--out", str(target))

    assert str(error) == f"{target} cannot be written: the directory {target.parent} does not exist"
    assert list(tmp_path.iterdir()) == []


def test_a_directory_or_a_file_in_the_way_is_named(demo_county, tmp_path):
    error = refused("--year", "2024", "--format", "csv", "--out", str(tmp_path))
    assert str(error) == f"{tmp_path} cannot be written: it is a directory"

    blocker = tmp_path / "file.txt"
    blocker.write_text("keep")
    error = refused("--year", "2024", "--format", "csv", "--out", str(blocker / "r.csv"))
    assert str(error).endswith(f"{blocker} is not a directory")
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_a_directory_without_permission_is_named(demo_county, tmp_path, monkeypatch):
    # The refusal the operating system gives (simulated: CI runs as root, who may write
    # anywhere).
    from drogscen.reports.management.commands import report as command

    real_open = command.os.open

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(command.os, "open", refuse)
    error = refused("--year", "2024", "--format", "csv", "--out", str(tmp_path / "r.csv"))
    assert "no permission to write in" in str(error)
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_rendering_keeps_the_old_file_and_leaves_no_part(
    demo_county, tmp_path, monkeypatch
):
    target = tmp_path / "county.json"
    target.write_text("old report")

    def broken(report, format):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_command, "render", broken)
    error = refused("--year", "2024", "--format", "json", "--out", str(target))

    assert str(error) == f"{target} cannot be written: the disk is full"
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["county.json"]


def test_an_unknown_user_is_refused(demo_county):
    error = refused("--year", "2024", "--format", "json", "--out", "-", "--as", "nobody")
    assert "nobody" in str(error)


def test_the_command_offers_every_renderer_format():
    assert report_command.FORMATS == renderers.FORMATS == ("json", "html", "pdf", "xlsx", "csv")
    assert Path(report_command.__file__).name == "report.py"


def test_language_chooses_the_reports_language(demo_county):
    stdout, _stderr = run("--year", "2024", "--format", "html", "--out", "-", "--language", "en")

    assert '<html lang="en">' in stdout
    assert "53 open drug scenes, 10 fewer than the previous year, no new ones." in stdout
