"""Cells that a spreadsheet program would run as a formula are written as text.

Text from users (a scene's name, a free-text answer, a reason) reaches CSV and Excel
exports; a cell starting with "=", "+", "-", "@", a tab or a carriage return is read as a
formula by Excel and LibreOffice (CSV injection, OWASP). Such text gets a leading
apostrophe, which those programs show as nothing; numbers are left as numbers."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]


def keep_as_text(cells) -> None:
    """openpyxl stores a string starting with "=" as a formula; we never write formulas,
    so such a cell is stored as the text it is (read back unchanged by an import)."""
    for cell in cells:
        if cell.data_type == "f":
            cell.data_type = "s"
