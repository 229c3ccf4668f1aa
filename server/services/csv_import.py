"""Uploaded CSV or XLSX files: read with line numbers, check every row, and import all of them or none.

A dry run answers exactly what the real import would (every bad row with its line and reason) and writes
nothing. The real import checks again inside its transaction, so a row that turned bad meanwhile (a
username taken since the dry run) still stops the whole file.
"""

import csv
import io
from datetime import date, datetime

from flask import current_app
from openpyxl import load_workbook

from server.errors import Problem


def read_rows(upload, columns, required):
    """Return [(line number, {column: text})] from CSV text or XLSX bytes with a header row; a bad file stops
    at once."""
    if isinstance(upload, bytes):
        return _read_lines(_xlsx_lines(upload), columns, required)
    try:
        return _read_lines(_csv_lines(upload), columns, required)
    except csv.Error as exc:  # e.g. a field longer than the csv module's limit, or a stray quote
        raise Problem("import.invalid", {"1": {"_file": [f"Not a valid CSV file: {exc}."]}}, count=1) from exc


def _csv_lines(text):
    """Yield (line number, [values]) of CSV text."""
    text = text.lstrip("\ufeff")
    first = (text.splitlines() or [""])[0]
    # Spreadsheets in an Indonesian locale save with semicolons; take whichever separator the header uses.
    delimiter = max((",", ";", "\t"), key=first.count)
    # newline="": the csv module itself reads \n, \r\n and old Mac \r line ends.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for values in reader:
        yield reader.line_num, values


def _xlsx_lines(data):
    """Yield (row number, [values as text]) of an XLSX workbook's first sheet."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet_rows = book.worksheets[0].iter_rows(values_only=True)
    except Exception as exc:  # whatever a broken upload makes openpyxl raise, it is a bad file, never a 500
        raise _not_xlsx() from exc
    try:
        for number, values in enumerate(sheet_rows, start=1):
            yield number, [_cell_text(v) for v in values]
    except Problem:
        raise
    except Exception as exc:  # a sheet whose XML breaks part-way through
        raise _not_xlsx() from exc
    finally:
        book.close()


def _not_xlsx():
    return Problem("import.invalid", {"1": {"_file": ["Not a valid XLSX file."]}}, count=1)


def _cell_text(value):
    """Return a cell as the text a CSV would hold (whole numbers without ".0", dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_lines(lines, columns, required):
    lines = iter(lines)
    header = [name.strip().lower() for name in next(lines, (1, []))[1]]
    # A spreadsheet's empty cells right of the last column read as empty names.
    while header and not header[-1]:
        header.pop()
    errors = [f"Unknown column: {name}." for name in header if name not in columns]
    errors += [f"Missing column: {name}." for name in required if name not in header]
    if not header or errors:
        raise Problem("import.invalid", {"1": {"_header": errors or ["The file is empty."]}}, count=1)
    rows, limit = [], current_app.config["IMPORT_MAX_ROWS"]
    for line, values in lines:
        if not any(v.strip() for v in values):
            continue
        if any(v.strip() for v in values[len(header) :]):
            raise Problem("import.invalid", {str(line): {"_row": ["More values than columns."]}}, count=1)
        rows.append((line, dict(zip(header, [v.strip() for v in values], strict=False))))
        if len(rows) > limit:
            raise Problem("import.too_many_rows", limit=limit)
    return rows


def check_rows(rows, check):
    """Run check(line, row) -> (value, errors) over every row; raise one problem listing every bad line."""
    values, errors = [], {}
    for line, row in rows:
        value, row_errors = check(line, row)
        if row_errors:
            errors[str(line)] = row_errors
        else:
            values.append(value)
    if errors:
        raise Problem("import.invalid", errors, count=len(errors))
    if not values:
        raise Problem("import.invalid", {"1": {"_file": ["No rows to import."]}}, count=1)
    return values


def first_seen(seen, key, line):
    """Return errors when key already appeared on an earlier line of the file, else remember it."""
    if key in seen:
        return [f"Repeats line {seen[key]}."]
    seen[key] = line
    return None


def whole_number(text):
    """Return a count written in a cell (12.345 is how a spreadsheet in id-ID writes twelve thousand), or None."""
    text = text.replace(".", "").replace(" ", "")
    return int(text) if text.isdigit() and len(text) <= 9 else None


def day(text):
    """Return the date written in a cell (2020-03-05, or 05/03/2020 as Indonesian spreadsheets write it), or None."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
