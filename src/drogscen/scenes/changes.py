"""A scene's audit entries in words: which field went from what to what. Shared by the
history on the scene page and the message of a refused stale edit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from drogscen.core import numbers
from drogscen.geo.models import LocalPoliceArea
from drogscen.scenes.models import Scene

# What a person edits, in the order shown; the derived columns follow from these.
HISTORY_FIELDS = (
    "name",
    "geometry",
    "local_police_area_id",
    "identified_on",
    "closed_on",
    "close_reason",
    "close_note",
    "ref",
)
SHORT_VALUE_CHARS = 60


@dataclass(frozen=True)
class FieldChange:
    """One edited field: `field` is the audit column, `text` the change in words."""

    field: str
    label: str
    before: str
    after: str

    @property
    def text(self) -> str:
        return _("%(field)s: %(before)s → %(after)s") % {
            "field": self.label,
            "before": self.before,
            "after": self.after,
        }


def police_area_names(audit_changes: Iterable[dict]) -> dict[int, str]:
    """The names of the local police areas the entries mention, in one query."""
    ids = set()
    for changes in audit_changes:
        for side in ("before", "after"):
            value = (changes.get(side) or {}).get("local_police_area_id")
            if isinstance(value, int):
                ids.add(value)
    if not ids:
        return {}
    return dict(LocalPoliceArea.objects.filter(pk__in=ids).values_list("pk", "name"))


def field_changes(changes: dict, *, police_areas: dict[int, str]) -> list[FieldChange]:
    """The edited fields of one update entry (`{"before": …, "after": …}`), old → new;
    a new geometry is told by its area, never by its coordinates."""
    before = changes.get("before") or {}
    after = changes.get("after") or {}
    labels = {
        field.attname: str(field.verbose_name)
        for field in Scene._meta.concrete_fields
        if field.attname in HISTORY_FIELDS
    }
    result = []
    for key in HISTORY_FIELDS:
        if key not in after and key not in before:
            continue
        if key == "geometry":
            result.append(
                FieldChange(
                    key,
                    _("area redrawn"),
                    _area(before.get("area_m2")),
                    _area(after.get("area_m2")),
                )
            )
            continue
        result.append(
            FieldChange(
                key,
                labels[key],
                _value(key, before.get(key), police_areas),
                _value(key, after.get(key), police_areas),
            )
        )
    return result


def _area(value) -> str:
    if not isinstance(value, int | float):
        return numbers.MISSING
    return numbers.square_metres(value)


def _value(key: str, value, police_areas: dict[int, str]) -> str:
    if value is None or value == "":
        return "–"
    if key == "local_police_area_id":
        return police_areas.get(value, f"#{value}")
    if key == "close_reason" and value in Scene.CloseReason.values:
        return str(Scene.CloseReason(value).label)
    return Truncator(str(value)).chars(SHORT_VALUE_CHARS)


def when(recorded_at: datetime) -> str:
    """An entry's time as the pages show it (local time, to the minute)."""
    return timezone.localtime(recorded_at).strftime("%Y-%m-%d %H:%M")
