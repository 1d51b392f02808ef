"""Reading one value of a row: text, dates, names from a reference list. Each raises
FieldInvalid with a message for the user; the row checker (`checking.RowChecker`) puts
it with the file, row and field (docs/architecture.md#import-pipeline)."""

from __future__ import annotations

import difflib
from datetime import date, datetime, time
from typing import Any

from django.utils.translation import gettext as _


class FieldInvalid(ValueError):
    """A value that cannot be used; the message is for the user."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or _is_nan(value)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def text_value(value: Any, *, required: bool) -> str:
    """A stripped string; numbers that are whole (e.g. a ref read as 12) become text."""
    if is_blank(value):
        if required:
            raise FieldInvalid(_("is required"))
        return ""
    if isinstance(value, bool):
        raise FieldInvalid(_("must be text, not %(value)s") % {"value": shown(value)})
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise FieldInvalid(_("must be text, not %(value)s") % {"value": shown(value)})
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate from a JSON escape such as "\ud800": no database stores it.
        raise FieldInvalid(_("contains characters that are not valid Unicode")) from None
    return value.strip()


def date_value(value: Any, *, required: bool) -> date | None:
    """An ISO 8601 date (YYYY-MM-DD). A date-time at midnight counts as its date, as
    GeoPackage and spreadsheet tools often store dates so."""
    if is_blank(value):
        if required:
            raise FieldInvalid(_("is required"))
        return None
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise FieldInvalid(_("must be a date without a time of day"))
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise FieldInvalid(
            _("must be an ISO date (YYYY-MM-DD), not %(value)s") % {"value": shown(value)}
        )
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FieldInvalid(
            _("must be an ISO date (YYYY-MM-DD), not %(value)s") % {"value": shown(value)}
        ) from None
    if moment.time() != time(0):
        raise FieldInvalid(_("must be a date without a time of day"))
    return moment.date()


def shown(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def name_from_list[T](name: str, known: dict[str, T]) -> T:
    """A record by its name in a reference list (e.g. a local police area): exactly, then
    in any letter case; otherwise FieldInvalid with a "did you mean" hint."""
    if name in known:
        return known[name]
    folded = {key.casefold(): value for key, value in known.items()}
    if name.casefold() in folded:
        return folded[name.casefold()]
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = (
        _("did you mean %(name)s?") % {"name": close[0]}
        if close
        else _("use a name from the list of local police areas, e.g. %(name)s")
        % {"name": next(iter(sorted(known)), "Järva")}
    )
    raise FieldInvalid(
        _("unknown local police area %(value)s; %(hint)s") % {"value": repr(name), "hint": hint}
    )
