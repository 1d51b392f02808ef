"""The outcome import kinds on the import pipeline (docs/architecture.md#import-pipeline,
docs/contracts.md#file-formats): crime events (`EventsImport`), aggregated counts and
youth signals (`CountsImport`) and survey results (`SurveyImport`). Each is all or
nothing — one transaction, and one audit entry with the file's SHA-256 and the counts —
and re-importing the same file changes nothing.

Crime events are stored per ``(source, event_id)``: a new id is inserted, a known id with
other contents updated, the rest left alone. Events more than
``lookups.MUNICIPALITY_FALLBACK_M`` (1 km) from every municipality of the county are *not
stored*: no scene's 500 m ring reaches them. They are counted as ``skipped`` and listed
(first examples) in the result, so a file with misplaced coordinates is noticed; an
event stored earlier whose corrected position is outside is removed (``removed``).
Crime codes not in the code table are stored and count as ``other`` until the
coordination office adds them; the result says how many.

The million-row path avoids model instances: the stored events of the source are read
as one frame from their columnar copy (``outcomes.event_store``), compared in pandas,
and written in bulk by ``event_store.write_changes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from drogscen.core import access, geo, imports
from drogscen.core.imports.pipeline import ImportFile, ImportSpec, Plan, Progress, entry_point
from drogscen.core.imports.problems import ImportProblem, ImportRejected, ImportResult
from drogscen.core.imports.readers import Table, read_table
from drogscen.geo import lookups
from drogscen.geo.models import Municipality
from drogscen.outcomes import event_store, parsing
from drogscen.outcomes.access import may_import_events, with_writable_data
from drogscen.outcomes.models import (
    AggregatedCount,
    Category,
    CrimeCode,
    Indicator,
    SurveyIndicator,
    SurveyResult,
    YouthSignal,
    Zone,
)

# Imported by name so that a test or benchmark can leave the recomputation out by
# replacing ``importing.schedule_recompute_near`` / ``importing.schedule_recompute``.
from drogscen.outcomes.recompute import schedule_recompute, schedule_recompute_near
from drogscen.outcomes.upload_forms import MAX_SOURCE, EventOptionsForm
from drogscen.scenes.models import Scene

EXAMPLES = 10


# --------------------------------------------------------------------------- the county


def county_area():
    """The county's municipalities widened by the lookup tolerance (EPSG:3006, prepared),
    or None when no reference geography is loaded. Cached with the other reference
    indexes and rebuilt when the municipalities change."""

    def build():
        geometries = [
            geo.to_sweref(geo.from_geojson(g))
            for g in Municipality.objects.values_list("geometry", flat=True)
        ]
        if not geometries:
            return None
        union = shapely.union_all([shapely.simplify(g, 20.0) for g in geometries])
        # simplify within 50 m after widening by 1 km: every point within 950 m stays in
        area = shapely.simplify(union.buffer(lookups.MUNICIPALITY_FALLBACK_M, quad_segs=4), 50.0)
        shapely.prepare(area)
        return area

    return lookups._cached("outcomes:county-area", build)


def outside_county(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    area = county_area()
    if area is None or not len(x):
        return np.zeros(len(x), bool)
    return ~shapely.contains_xy(area, np.asarray(x, float), np.asarray(y, float))


# --------------------------------------------------------------------------- events


@dataclass
class CheckedEvents:
    """The valid events of a file, which of them lie outside the county, and the result
    so far (read, rejected and the details)."""

    frame: pd.DataFrame
    outside: np.ndarray
    result: ImportResult


class EventsImport(ImportSpec):
    """Crime events (``event_id, occurred_at, crime_code, x, y``) of one ``source``, in
    the coordinate system ``crs`` (a GeoPackage's or shapefile's own system wins). With
    ``skip_invalid`` (or ``skip_invalid_to``, a path for a CSV of the rejected rows with
    their reasons) the valid rows are imported and the rest reported; problems with the
    whole file (columns, coordinate system) always refuse it."""

    kind = "events"
    title = gettext_lazy("Crime events")
    accepted = parsing.EVENT_FILE_TYPES
    expected = gettext_lazy("CSV, Parquet, GeoPackage, a zipped shapefile or JSON Lines")
    max_bytes = parsing.MAX_EVENT_FILE_BYTES
    audit_model = "outcomes.CrimeEvent"
    options_form = EventOptionsForm
    description = gettext_lazy(
        "Crime events with the columns event_id, occurred_at, crime_code, x, y; inserted "
        "or updated by source and event_id."
    )

    def __init__(
        self,
        *,
        source: str = "",
        crs: str = parsing.TARGET_CRS,
        skip_invalid: bool = False,
        skip_invalid_to: str | Path | None = None,
        now: datetime | None = None,
    ) -> None:
        super().__init__(
            source=source, crs=crs, skip_invalid=skip_invalid, skip_invalid_to=skip_invalid_to
        )
        self.source = (source or "").strip()
        self.crs = crs or parsing.TARGET_CRS
        self.skip_invalid_to = skip_invalid_to
        self.skip_invalid = bool(skip_invalid or skip_invalid_to)
        self.now = now

    @classmethod
    def may_import(cls, user) -> bool:
        return may_import_events(user)

    def options_shown(self, options: dict[str, Any]) -> list[tuple[Any, str]]:
        return [
            (gettext_lazy("Source"), self.source),
            (gettext_lazy("Coordinate system"), self.crs),
        ]

    def result_rows(self, result: dict[str, Any]) -> list[tuple[Any, int, str]]:
        details = result.get("details", {})
        rows = [
            (gettext_lazy("Rows read"), result.get("read", 0), "read"),
            (gettext_lazy("Inserted"), result.get("created", 0), "inserted"),
            (gettext_lazy("Updated"), result.get("updated", 0), "updated"),
            (gettext_lazy("Unchanged"), result.get("unchanged", 0), "unchanged"),
            (gettext_lazy("Outside the county (not stored)"), details.get("skipped", 0), "skipped"),
        ]
        if result.get("removed"):
            label = gettext_lazy("Removed (moved outside the county)")
            rows.append((label, result["removed"], "removed"))
        rows.append((gettext_lazy("Invalid rows left out"), result.get("rejected", 0), "rejected"))
        if details.get("collapsed"):
            label = gettext_lazy("Identical repeated rows counted once")
            rows.append((label, details["collapsed"], "collapsed"))
        if details.get("unknown_codes"):
            label = gettext_lazy("Events with crime codes not in the code table (counted as other)")
            rows.append((label, details["unknown_codes"], "unknown-codes"))
        return rows

    def result_lists(self, result: dict[str, Any]) -> list[tuple[Any, list[str], str]]:
        details = result.get("details", {})
        lists = [
            (gettext_lazy("Crime codes not in the code table"), "unknown_code_examples", "codes"),
            (gettext_lazy("Events outside the county"), "skipped_examples", "skipped-examples"),
            (gettext_lazy("Invalid rows"), "rejected_examples", "rejected-examples"),
        ]
        return [(head, details[key], tid) for head, key, tid in lists if details.get(key)]

    def before_read(self, file: ImportFile) -> None:
        if not self.source or len(self.source) > MAX_SOURCE:
            raise ImportRejected.of_file(
                file.label,
                _("give the name of the source (at most %(count)s characters)")
                % {"count": MAX_SOURCE},
                field="--source",
            )

    def read(self, file: ImportFile) -> Table:
        table = read_table(file.path, label=file.label, kind=file.kind)
        if file.kind == "shapefile":
            table = parsing.shapefile_names(table, parsing.EVENT_COLUMNS)
        return table

    def check(self, rows: Table, *, file: ImportFile, by, progress: Progress) -> CheckedEvents:
        progress.report(0, len(rows.frame))
        parsed = parsing.parse_events(rows, crs=self.crs, now=self.now)
        result = ImportResult(
            read=parsed.read,
            details={
                "source": self.source,
                "crs": parsed.crs,
                "collapsed": parsed.collapsed,
                "rejected_examples": [],
                "rejects_file": "",
            },
        )
        if parsed.problems:
            self._leave_out_invalid(parsed, result)
        frame = parsed.frame
        outside = outside_county(frame["x"].to_numpy(), frame["y"].to_numpy())
        result.details.update(_outside_details(frame, outside))
        result.details.update(_unknown_code_details(frame))
        progress.report(parsed.read, parsed.read)
        return CheckedEvents(frame=frame, outside=outside, result=result)

    def _leave_out_invalid(self, parsed: parsing.ParsedEvents, result: ImportResult) -> None:
        """Refuse the file, or (skip_invalid) count and list its invalid rows."""
        whole_file = [p for p in parsed.problems if not p.where]
        if whole_file or not self.skip_invalid:
            raise ImportRejected(parsed.problems)
        result.rejected = len(parsed.rejected)
        result.details["rejected_examples"] = [
            str(p) for p in parsed.problems[: imports.MAX_REPORTED_PROBLEMS]
        ]
        if self.skip_invalid_to:
            Path(self.skip_invalid_to).write_text(
                parsing.rejected_csv(parsed.rejected), encoding="utf-8"
            )
            result.details["rejects_file"] = str(self.skip_invalid_to)

    def compare(self, checked: CheckedEvents, *, file: ImportFile, by, dry_run: bool) -> Plan:
        """The file against the source's stored events, under the source's lock."""
        event_store.lock_source(self.source)
        stored, copy_stale = event_store.stored_events(self.source)
        frame, outside, result = checked.frame, checked.outside, checked.result
        stored = stored.rename(
            columns={c: f"{c}_old" for c in ("occurred_at", "crime_code", "x", "y")}
        ).assign(event_id=stored["event_id"].astype(frame["event_id"].dtype), known=True)
        merged = frame.merge(stored, on="event_id", how="left", suffixes=("", "_old"))
        is_new = merged["known"].isna().to_numpy()
        changed = ~is_new & (
            (merged["occurred_at"] != merged["occurred_at_old"]).to_numpy()
            | (merged["crime_code"] != merged["crime_code_old"]).to_numpy()
            | (merged["x"] != merged["x_old"]).to_numpy()
            | (merged["y"] != merged["y_old"]).to_numpy()
        )
        changes = event_store.EventChanges(
            source=self.source,
            stored=stored,
            insert=merged.loc[is_new & ~outside],
            update=merged.loc[changed & ~outside],
            remove=merged.loc[~is_new & outside],
        )
        result.created = len(changes.insert)
        result.updated = len(changes.update)
        result.removed = len(changes.remove)
        result.unchanged = int((~is_new & ~changed & ~outside).sum())
        if copy_stale and not dry_run and not result.writes:
            # nothing to write, but the copy misses rows written some other way: repair it
            changes.copy_rows()
        return Plan(result=result, data=changes)

    def write(self, plan: Plan, *, file: ImportFile, by, progress: Progress) -> None:
        changes: event_store.EventChanges = plan.data
        event_store.write_changes(changes, report=progress.report)
        insert, update, remove = changes.insert, changes.update, changes.remove
        xs = np.concatenate([insert["x"], update["x"], update["x_old"], remove["x_old"]])
        ys = np.concatenate([insert["y"], update["y"], update["y_old"], remove["y_old"]])
        # queued in this transaction: the task exists exactly when the events do
        schedule_recompute_near(xs.astype(float), ys.astype(float), reason="events")

    def audit_object(self, file: ImportFile) -> str:
        return f"{self.source}: {file.label}"

    def audit_changes(self, plan: Plan, file: ImportFile) -> dict[str, Any]:
        result = plan.result
        return {
            "file": file.label,
            "source": self.source,
            "format": file.kind,
            "crs": result.details["crs"],
            "sha256": file.sha256,
            "read": result.read,
            "inserted": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "skipped": result.details["skipped"],
            "removed": result.removed,
            "rejected": result.rejected,
        }


def _outside_details(frame: pd.DataFrame, outside: np.ndarray) -> dict[str, Any]:
    examples = [
        _("row %(row)s (event %(id)s): %(x).0f, %(y).0f")
        % {"row": r.row, "id": r.event_id, "x": r.x, "y": r.y}
        for r in frame.loc[outside].head(EXAMPLES).itertuples()
    ]
    return {"skipped": int(outside.sum()), "skipped_examples": examples}


def _unknown_code_details(frame: pd.DataFrame) -> dict[str, Any]:
    known = set(CrimeCode.objects.values_list("code", flat=True))
    unknown = ~frame["crime_code"].isin(known)
    codes = sorted(frame.loc[unknown, "crime_code"].unique().tolist())
    return {"unknown_codes": int(unknown.sum()), "unknown_code_examples": codes[:EXAMPLES]}


def event_summary(result: ImportResult, label: str) -> str:
    """The line that sums up an event import (the command prints it): what was (or, in
    a dry run, would be) inserted, updated and left unchanged, then what was skipped,
    removed, left out, collapsed and not in the code table."""
    details = result.details
    counts = {
        "file": label,
        "read": result.read,
        "inserted": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": details.get("skipped", 0),
        "removed": result.removed,
        "rejected": result.rejected,
        "collapsed": details.get("collapsed", 0),
    }
    if result.dry_run:
        text = _(
            "%(file)s: dry run, nothing written. %(read)s rows read; would insert "
            "%(inserted)s, update %(updated)s, leave %(unchanged)s unchanged"
        )
    else:
        text = _(
            "%(file)s: %(read)s rows read, %(inserted)s inserted, %(updated)s updated, "
            "%(unchanged)s unchanged"
        )
    return "; ".join([text % counts, *_event_notes(counts, details)]) + "."


def _event_notes(counts: dict[str, Any], details: dict[str, Any]) -> list[str]:
    notes = []
    if counts["skipped"]:
        notes.append(
            ngettext(
                "%(skipped)s event outside the county skipped",
                "%(skipped)s events outside the county skipped",
                counts["skipped"],
            )
            % counts
        )
    if counts["removed"]:
        notes.append(_("%(removed)s stored events now outside the county removed") % counts)
    if counts["rejected"]:
        notes.append(
            ngettext(
                "%(rejected)s invalid row left out",
                "%(rejected)s invalid rows left out",
                counts["rejected"],
            )
            % counts
        )
    if counts["collapsed"]:
        notes.append(_("%(collapsed)s identical repeated rows counted once") % counts)
    if unknown := details.get("unknown_codes", 0):
        notes.append(
            _(
                "%(unknown)s events with crime codes not in the code table "
                "(counted as other: %(codes)s)"
            )
            % {"unknown": unknown, "codes": ", ".join(details.get("unknown_code_examples", []))}
        )
    return notes


# Store the crime events of a file for the option `source` (and `crs`, `skip_invalid`,
# `skip_invalid_to`, `now`: see EventsImport).
events_import = entry_point(EventsImport)


# --------------------------------------------------------------------------- counts, surveys


KIND_MODELS = {"counts": AggregatedCount, "youth": YouthSignal, "survey": SurveyResult}
KIND_KEYS = {
    "counts": ("year", "zone", "category"),
    "youth": ("year", "quarter", "indicator"),
    "survey": ("year", "indicator"),
}
KIND_VALUES = {"counts": ("count",), "youth": ("count",), "survey": ("value", "respondents")}


def writable_scenes(refs, by) -> dict[str, int]:
    """Scene ref → id of the scenes the user sees and may write outcome data for (the
    writers of ``outcomes.access.scene_data_condition``); every scene for the operator."""
    scenes = Scene.objects.filter(ref__in=list(set(refs)))
    if by is not None:
        scenes = with_writable_data(access.restrict(scenes, by, access.VIEW), by, access.ADD)
    return dict(scenes.values_list("ref", "pk"))


@dataclass
class CheckedTable:
    """The valid rows of a count, youth-signal or survey file with their scene ids."""

    parsed: parsing.ParsedTable
    frame: pd.DataFrame
    scene_ids: dict[str, int]


@dataclass
class TableChanges:
    """The rows to create and the rows to update (with their values before)."""

    model: type
    key_fields: tuple[str, ...]
    values: tuple[str, ...]
    create: list
    update: list
    before: dict[int, dict[str, Any]]


class SceneTableImport(ImportSpec):
    """What the count, youth-signal and survey imports share: rows keyed by scene and
    period, inserted or updated by their key, only for scenes the user may write
    outcome data for."""

    accepted = parsing.TABLE_FILE_TYPES
    expected = gettext_lazy("CSV, an Excel workbook (XLSX) or an OpenDocument spreadsheet (ODS)")

    @classmethod
    def may_import(cls, user) -> bool:
        scenes = access.restrict(Scene.objects.all(), user, access.VIEW)
        return with_writable_data(scenes, user, access.ADD).exists()

    def read(self, file: ImportFile) -> Table:
        return read_table(file.path, label=file.label, kind=file.kind)

    def parse(self, table: Table) -> parsing.ParsedTable:
        raise NotImplementedError

    def check(self, rows: Table, *, file: ImportFile, by, progress: Progress) -> CheckedTable:
        parsed = self.parse(rows)
        # the model of the audit entry follows the file (counts or youth signals)
        self.audit_model = f"outcomes.{KIND_MODELS[parsed.kind].__name__}"
        frame = parsed.frame
        scene_ids = writable_scenes(frame["scene_ref"], by)
        missing = ~frame["scene_ref"].isin(list(scene_ids))
        problems = list(parsed.problems)
        for row in frame.loc[missing].itertuples():
            problems.append(
                ImportProblem(
                    rows.label,
                    imports.row_label(row.row),
                    "scene_ref",
                    _("no scene with ref %(ref)s that you may record outcome data for")
                    % {"ref": imports.shown(row.scene_ref)},
                )
            )
        if problems:
            problems.sort(key=lambda p: (_row_number(p.where), p.field))
            raise ImportRejected(problems)
        return CheckedTable(
            parsed=parsed,
            frame=frame.assign(scene_id=frame["scene_ref"].map(scene_ids)),
            scene_ids=scene_ids,
        )

    def compare(self, checked: CheckedTable, *, file: ImportFile, by, dry_run: bool) -> Plan:
        kind, frame = checked.parsed.kind, checked.frame
        changes = _table_changes(kind, frame)
        result = ImportResult(
            read=checked.parsed.read,
            created=len(changes.create),
            updated=len(changes.update),
            unchanged=len(frame) - len(changes.create) - len(changes.update),
            details={"collapsed": checked.parsed.collapsed},
        )
        if kind == "counts":
            result.warnings = _event_conflicts(frame, checked.scene_ids)
        return Plan(result=result, data=changes, audit={"warnings": len(result.warnings)})

    def write(self, plan: Plan, *, file: ImportFile, by, progress: Progress) -> None:
        changes: TableChanges = plan.data
        model = changes.model
        model.objects.bulk_create(changes.create, batch_size=1000)
        if changes.update:
            model.objects.bulk_update(changes.update, list(changes.values), batch_size=1000)
        written = changes.create + changes.update
        # bulk writes send no signals: each row's values are kept in the audit entry
        plan.audit["rows"] = [
            _row_change(obj, changes.key_fields, changes.values, changes.before.get(obj.pk))
            for obj in written
        ]
        if model is AggregatedCount:
            schedule_recompute(scene_ids={obj.scene_id for obj in written}, reason="counts")


def _table_changes(kind: str, frame: pd.DataFrame) -> TableChanges:
    """The rows of the file against the stored ones, by scene and key."""
    model, values = KIND_MODELS[kind], KIND_VALUES[kind]
    key_fields = tuple(
        "indicator_id" if k == "indicator" and kind == "survey" else k for k in KIND_KEYS[kind]
    )
    stored = {
        (obj.scene_id, *(getattr(obj, k) for k in key_fields)): obj
        for obj in model.objects.filter(scene_id__in=set(frame["scene_id"]))
    }
    changes = TableChanges(model, key_fields, values, create=[], update=[], before={})
    for row in frame.to_dict("records"):
        key = (row["scene_id"], *(_plain(row[k]) for k in key_fields))
        new = {v: _plain(row[v]) for v in values}
        obj = stored.get(key)
        if obj is None:
            keys = dict(zip(key_fields, key[1:], strict=True))
            changes.create.append(model(scene_id=row["scene_id"], **keys, **new))
        elif any(getattr(obj, v) != new[v] for v in values):
            changes.before[obj.pk] = {v: getattr(obj, v) for v in values}
            for v, value in new.items():
                setattr(obj, v, value)
            changes.update.append(obj)
    return changes


class CountsImport(SceneTableImport):
    """Aggregated counts (``scene_ref, year, zone, category, count``) or youth signals
    (``scene_ref, year, quarter, indicator, count``), by the file's columns. An
    aggregated count for a scene, year, zone and category that also has counts from
    events is stored but not used (the events win): each such conflict is a warning."""

    kind = "counts"
    title = gettext_lazy("Aggregated counts and youth signals")
    audit_model = "outcomes.AggregatedCount"
    description = gettext_lazy(
        "Aggregated counts (scene_ref, year, zone, category, count) or youth signals "
        "(scene_ref, year, quarter, indicator, count); inserted or updated by their key."
    )

    def parse(self, table: Table) -> parsing.ParsedTable:
        return parsing.parse_counts(
            table,
            zones=Zone.values,
            categories=Category.values,
            youth_kinds=YouthSignal.Kind.values,
            this_year=date.today().year,
        )


class SurveyImport(SceneTableImport):
    """Safety-survey results (``scene_ref, year, indicator, value, respondents``): value
    within the indicator's range, respondents ≥ 1; inserted or updated by scene, year
    and indicator."""

    kind = "survey"
    title = gettext_lazy("Survey results")
    audit_model = "outcomes.SurveyResult"
    description = gettext_lazy(
        "Safety-survey results (scene_ref, year, indicator, value, respondents); inserted "
        "or updated by scene, year and indicator."
    )

    def parse(self, table: Table) -> parsing.ParsedTable:
        indicators = {
            code: (low, high, pk)
            for code, low, high, pk in SurveyIndicator.objects.values_list(
                "code", "min_value", "max_value", "pk"
            )
        }
        parsed = parsing.parse_survey(
            table,
            ranges={code: (low, high) for code, (low, high, _pk) in indicators.items()},
            this_year=date.today().year,
        )
        parsed.frame["indicator_id"] = parsed.frame["indicator"].map(
            lambda code: indicators[code][2]
        )
        return parsed


counts_import = entry_point(CountsImport)


survey_import = entry_point(SurveyImport)


def _row_change(obj, key_fields, values, before: dict | None) -> dict:
    change = {
        "id": obj.pk,
        "scene_id": obj.scene_id,
        **{k: getattr(obj, k) for k in key_fields},
        "after": {v: getattr(obj, v) for v in values},
    }
    if before is not None:
        change["before"] = before
    return change


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _row_number(where: str) -> int:
    digits = "".join(ch for ch in where if ch.isdigit())
    return int(digits) if digits else 0


def _event_conflicts(frame: pd.DataFrame, scene_ids: dict[str, int]) -> list[str]:
    """Aggregated counts for which event-based figures exist (the events win)."""
    if frame.empty:
        return []
    refs = {pk: ref for ref, pk in scene_ids.items()}
    from_events = {
        (r["scene_id"], r["year"], r["zone"], r["category"]): r["total"]
        for r in Indicator.objects.filter(
            from_events=True,
            month__gte=1,
            scene_id__in=set(frame["scene_id"]),
            year__in={int(y) for y in frame["year"]},
        )
        .values("scene_id", "year", "zone", "category")
        .annotate(total=Sum("count"))
    }
    warnings = []
    for row in frame.itertuples():
        key = (row.scene_id, int(row.year), row.zone, row.category)
        if key in from_events:
            warnings.append(
                _(
                    "row %(row)s: scene %(ref)s, %(year)s, %(zone)s, %(category)s has crime "
                    "events (%(events)s); the count from the events is used, not %(count)s"
                )
                % {
                    "row": row.row,
                    "ref": refs[row.scene_id],
                    "year": int(row.year),
                    "zone": row.zone,
                    "category": row.category,
                    "events": from_events[key],
                    "count": int(row.count),
                }
            )
    return warnings
