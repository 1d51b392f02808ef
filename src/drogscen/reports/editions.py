"""Publishing a reference year: its county report is built once, stored as the year's
next edition with its SHA-256 and never rebuilt (docs/architecture.md#the-yearly-round).
A revision is a new, dated edition with what changed in the key figures; the earlier one
stays readable and citable, as an official statistic's release does."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from drogscen.mappings.counting import on_track
from drogscen.mappings.models import Round
from drogscen.mappings.rounds import round_locked, round_mark_closed, round_require
from drogscen.reports.builder import GOAL_YEAR, report_build, report_years, visible_scene_ids
from drogscen.reports.models import Edition

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

PUBLISHED, PRELIMINARY = "published", "preliminary"

# The figures an edition's "what changed" compares (section, key), besides the open
# scenes per municipality.
KEY_FIGURES = (
    ("scenes", "count"),
    ("scenes", "previous_count"),
    ("scenes", "change"),
    ("scenes", "new"),
    ("scenes", "removed"),
    ("scenes", "unmapped"),
    ("scenes", "area_m2"),
    ("municipalities", "with_scenes"),
    ("local_police_areas", "with_scenes"),
    ("stockholm_districts", "with_scenes"),
    ("mappings", "count"),
    ("mappings", "joint_share"),
)


def canonical_json(report: dict[str, Any]) -> str:
    """The one text of a report that is hashed and stored: keys sorted, no spaces."""
    return json.dumps(report, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def round_publish(*, year: int, by: AbstractBaseUser | None, reason: str = "") -> Edition:
    """Publish the year: build the county report (`report_build(year=…)`, county scope),
    store it as the year's next edition and mark the round published (closing it when
    still open). Refused for a year without approved mappings, for a round published
    already (reopen it first), and for a second edition without a reason (the reason
    the round was reopened serves when none is given)."""
    round_require(by)
    current = round_locked(year)
    if current.status == Round.Status.PUBLISHED:
        raise ValidationError(
            _("%(year)s is published already; reopen the round to publish a new edition.")
            % {"year": year}
        )
    if year not in report_years():
        raise ValidationError(
            _("%(year)s cannot be published: it has no approved mappings.") % {"year": year}
        )
    previous = Edition.objects.filter(year=year).order_by("-number").first()
    reason = (reason or "").strip() or (current.reopen_reason if previous else "")
    if previous is not None and not reason:
        raise ValidationError(
            {
                "reason": [
                    _("Give the reason for publishing a new edition of %(year)s.") % {"year": year}
                ]
            }
        )
    edition = _edition_store(year, previous, by=by, reason=reason)
    if current.status == Round.Status.OPEN:
        round_mark_closed(current, by)
    current.status = Round.Status.PUBLISHED
    current.published_at, current.published_by = edition.published_at, by
    current.save()
    return edition


def _edition_store(
    year: int, previous: Edition | None, *, by: AbstractBaseUser | None, reason: str
) -> Edition:
    number = (previous.number + 1) if previous else 1
    published_at = timezone.now().replace(microsecond=0)
    report = report_build(year=year)
    report["status"] = PUBLISHED
    report["edition"] = {"number": number, "published_at": published_at.isoformat()}
    content = canonical_json(report)
    return Edition.objects.create(
        year=year,
        number=number,
        content=content,
        sha256=sha256_of(content),
        published_at=published_at,
        published_by=by,
        reason=reason,
        changes=key_figure_changes(previous.report, report) if previous else {},
    )


def key_figure_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """{"scenes.count": {"from": 53, "to": 52}, "municipalities.by_code.0180": …}: the
    key figures that differ between two editions of a year."""
    changes = {}
    for section, key in KEY_FIGURES:
        old, new = before.get(section, {}).get(key), after.get(section, {}).get(key)
        if old != new:
            changes[f"{section}.{key}"] = {"from": old, "to": new}
    old_codes = before.get("municipalities", {}).get("by_code", {})
    new_codes = after.get("municipalities", {}).get("by_code", {})
    for code in sorted(set(old_codes) | set(new_codes)):
        if old_codes.get(code, 0) != new_codes.get(code, 0):
            changes[f"municipalities.by_code.{code}"] = {
                "from": old_codes.get(code, 0),
                "to": new_codes.get(code, 0),
            }
    return changes


def latest_editions() -> dict[int, Edition]:
    """The latest edition of every published year, by year (oldest first). A year whose
    round is reopened keeps its latest edition as its published figures."""
    latest = (
        Edition.objects.values("year").annotate(number=Max("number")).values_list("year", "number")
    )
    wanted = dict(latest)
    editions = Edition.objects.filter(year__in=wanted).order_by("year", "number")
    return {e.year: e for e in editions if e.number == wanted[e.year]}


def published_years() -> list[int]:
    return sorted(set(Edition.objects.order_by().values_list("year", flat=True)))


def edition_latest(year: int) -> Edition | None:
    return Edition.objects.filter(year=year).order_by("-number").first()


def report_for_year(*, year: int, fetched_by=None) -> dict[str, Any]:
    """A year's report as the pages, exports and API show it: the latest edition when the
    year is published and the caller sees the county's breakdowns (the edition is the
    county's report); otherwise built now, marked preliminary."""
    edition = edition_latest(year)
    if edition is not None and _sees_county(fetched_by):
        return edition.report
    report = report_build(year=year, fetched_by=fetched_by)
    report.setdefault("status", PRELIMINARY)
    report.setdefault("edition", None)
    return report


def _sees_county(user) -> bool:
    """The builder's own rule of who gets the county's breakdowns."""
    return user is None or visible_scene_ids(user) is None


def published_goal(*, up_to: int, editions: dict[int, Edition] | None = None) -> dict[str, Any]:
    """The goal as the report's `goal` section, from published years only: each year's
    open scenes as its latest edition published them, up to `up_to`. A year not yet
    published is left out (`left_out`: those with approved mappings), so a round in
    progress never moves the goal signal or the outlook."""
    editions = latest_editions() if editions is None else editions
    series = {y: e.report["scenes"]["count"] for y, e in editions.items() if y <= up_to}
    return {
        "series": {str(y): n for y, n in sorted(series.items())},
        "on_track": on_track(series),
        "target_year": GOAL_YEAR,
        "published_only": True,
        "left_out": [y for y in report_years() if y <= up_to and y not in series],
    }
