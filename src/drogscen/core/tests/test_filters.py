from hypothesis import given
from hypothesis import strategies as st

from drogscen.core.filters import FIRST_YEAR, LAST_YEAR, possible_year


@given(st.integers(min_value=FIRST_YEAR, max_value=LAST_YEAR))
def test_every_possible_year_reads_back(year):
    assert possible_year(str(year)) == year


@given(st.text())
def test_any_text_is_a_year_in_range_or_none(text):
    year = possible_year(text)
    assert year is None or (FIRST_YEAR <= year <= LAST_YEAR and str(year) == text)
