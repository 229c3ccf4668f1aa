"""What a spreadsheet must never do with a cell we write: run it as a formula (OWASP CSV injection)."""

import re

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PATTERN = "^[=+@\t\r-]"  # the same, for SQL
# A phone number (+62…, digits or mask bullets only) cannot be a formula and stays as it is.
PLAIN_PHONE = r"^\+[0-9•]+$"
_PLAIN_PHONE = re.compile(PLAIN_PHONE)


def neutralize(value):
    """Return a CSV cell that no spreadsheet evaluates: a leading apostrophe before a formula start."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_PHONE.match(value):
        return "'" + value
    return value
