"""Tests of the report outputs. `demo_county` loads the demo county once per module
(53 open scenes in 2024, 63 in 2023, the county's published figures) and removes its
scenes and mappings afterwards, as in mappings/tests/test_demo_figures.py."""

import pytest


@pytest.fixture(scope="module")
def report_2024(demo_county, django_db_blocker):
    """The builder's county report for 2024, built once per module."""
    from drogscen.reports.builder import report_build

    with django_db_blocker.unblock():
        return report_build(year=2024)
