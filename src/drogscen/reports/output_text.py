"""The county report as JSON (the builder's dict) and as CSV (open scenes per
municipality: docs/contracts.md#commands)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from drogscen.core.spreadsheet import safe_row
from drogscen.reports import labels

CSV_COLUMNS = ("code", "name", "scenes")  # a data contract: not translated


def render_json(report: dict[str, Any]) -> str:
    """The builder's dict as it is (docs/contracts.md#report-json)."""
    return json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def render_csv(report: dict[str, Any]) -> str:
    """Open scenes per municipality: `code,name,scenes` for all the county's
    municipalities in SCB code order, 0 where there is none. A restricted report leaves
    `scenes` empty for the municipalities it does not show. UTF-8, RFC 4180."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in labels.municipality_rows(report):
        writer.writerow(safe_row([row.code, row.name, "" if row.scenes is None else row.scenes]))
    return buffer.getvalue()
