"""Filters for numbers that must be a possible year or id: anything else is a 400 that
names the parameter (django-filter's NumberFilter takes any decimal, which the database
then fails on: year 0, ids past 64 bits)."""

import django_filters
from django import forms

FIRST_YEAR = 1900
LAST_YEAR = 2200
MAX_ID = 2**63 - 1


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def possible_year(value: str) -> int | None:
    """The year a query parameter names, or None when it cannot be one (ASCII digits
    only: str.isdigit() also takes other scripts' digits)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 4:
        return None
    year = int(value)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None
