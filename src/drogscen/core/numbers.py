"""The one way numbers are written for people, on pages and in reports alike: grouping
and decimal comma as the active language writes them, a real minus sign (U+2212), and
"–" where a value is missing (docs/architecture.md#layers)."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

MINUS = "\u2212"
MISSING = "–"


def number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 → "1 235" (sv) / "1,235" (en); with `decimals`, that many digits."""
    if value is None:
        return MISSING
    # Rounded here: number_format cuts the digits after `decimals` off.
    rounded = round(value, decimals) if decimals else round(value)
    text = formats.number_format(rounded, decimals or None, force_grouping=True)
    return text.replace("-", MINUS)


def signed(value: float | int | None, decimals: int = 0) -> str:
    """+3, −3 or 0."""
    if value is None:
        return MISSING
    text = number(value, decimals)
    return f"+{text}" if value > 0 and text.strip("0,. ") else text


def decimal(value: float | None, places: int = 1) -> str:
    """A number with decimals: 46.4 → "46,4" in Swedish."""
    return number(value, places)


def percent(share: float | None) -> str:
    """A share as whole per cent: 0.9643 → "96 %" in Swedish, "96%" in English."""
    if share is None:
        return MISSING
    # Translators: a whole percentage; Swedish writes a (non-breaking) space before %.
    return _("%(percent)s%%") % {"percent": number(share * 100)}


def decimal_percent(value: float | None) -> str:
    """A percentage with one decimal: 46.4 → "46,4 %" in Swedish."""
    if value is None:
        return MISSING
    return _("%(percent)s%%") % {"percent": decimal(value)}


def percent_value(value: float) -> str:
    """A percentage as given (50 → "50", 12.5 → "12,5"): whole when it is whole."""
    return number(value, 0 if float(value).is_integer() else 1)


def percent_change(before: float, after: float) -> str:
    """The change from before to after in whole per cent ("+33 %", "−33 %"); the
    difference itself when before is 0 (a change from nothing has no per cent)."""
    if before == 0:
        return ("+" if after >= before else "") + number(after - before)
    return signed(round(100 * (after - before) / before)) + "\u00a0%"


def square_metres(value: float | int | None) -> str:
    if value is None:
        return MISSING
    return _("%(area)s m²") % {"area": number(value)}
