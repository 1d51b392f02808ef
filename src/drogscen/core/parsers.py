"""The API's JSON parser: DRF's, plus the two inputs that parse as JSON but cannot be
stored — nesting deeper than any of our bodies (a 20 000-deep array exhausts the
decoder's recursion) and lone surrogates ("\\udae4" is valid JSON, not valid UTF-8).
Both are a 400 with the reason, never a 500."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# A GeoJSON MultiPolygon inside a Feature inside a body is about eight levels deep.
MAX_DEPTH = 64


def first_unstorable(data) -> str | None:
    """The reason the parsed body cannot be stored, or None. Iterative, so that the check
    itself never recurses."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _("The JSON is nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH}
        if isinstance(value, str):
            values = [value]
        elif isinstance(value, dict):
            values = list(value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            values = []
            stack.extend((item, depth + 1) for item in value)
        else:
            continue
        for text in values:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return _("The JSON holds text that is not valid Unicode (a lone surrogate).")
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                _("The JSON is nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH}
            ) from None
        if (reason := first_unstorable(data)) is not None:
            raise ParseError(reason)
        return data
