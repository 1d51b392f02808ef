from hypothesis import given
from hypothesis import strategies as st

from drogscen.core.spreadsheet import FORMULA_STARTS, safe_cell, safe_row


def test_formula_like_text_is_written_as_text():
    assert safe_row(['=HYPERLINK("x")', "+1", "-1", "@SUM(A1)", "Rinkeby", -5, 2.5]) == [
        '\'=HYPERLINK("x")',
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "Rinkeby",
        -5,
        2.5,
    ]


@given(st.text())
def test_no_text_cell_starts_a_formula_and_nothing_is_lost(text):
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, "'" + text)


@given(st.integers() | st.floats(allow_nan=False) | st.none())
def test_numbers_stay_numbers(number):
    assert safe_cell(number) == number
