"""The county report in every output format, all from the one `report_build` dict (one
module per output: `output_text`, `output_html`, `output_xlsx`; the tables they share
in `tables`): JSON (the dict itself), CSV (the per-municipality table), XLSX (one sheet per table),
HTML (a standalone document with its own CSS and inline SVG charts) and PDF (WeasyPrint
from that same HTML).

Text is in the active language (`translation.override` around the call); numbers,
codes and the JSON/CSV keys stay language-independent. No output names or locates a
scene: the report holds counts only.
"""

from __future__ import annotations

from typing import Any

from drogscen.reports.output_html import PdfLibraryMissing, render_html, render_pdf
from drogscen.reports.output_text import render_csv, render_json
from drogscen.reports.output_xlsx import render_xlsx
from drogscen.reports.tables import target_path_note

FORMATS = ("json", "html", "pdf", "xlsx", "csv")
BINARY_FORMATS = frozenset({"pdf", "xlsx"})
# For a view that offers the report as a download.
MEDIA_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def render(report: dict[str, Any], format: str) -> str | bytes:
    """The report in one of FORMATS: text (str) or, for BINARY_FORMATS, bytes."""
    renderer = {
        "json": render_json,
        "html": render_html,
        "pdf": render_pdf,
        "xlsx": render_xlsx,
        "csv": render_csv,
    }.get(format)
    if renderer is None:
        raise ValueError(f"unknown report format {format!r}; use one of {FORMATS}")
    return renderer(report)


__all__ = [
    "BINARY_FORMATS",
    "FORMATS",
    "MEDIA_TYPES",
    "PdfLibraryMissing",
    "render",
    "render_csv",
    "render_html",
    "render_json",
    "render_pdf",
    "render_xlsx",
    "target_path_note",
]
