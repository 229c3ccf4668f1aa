"""Uploaded CSV files: read with line numbers, check every row, and import all of them or none.

A dry run answers exactly what the real import would (every bad row with its line and reason) and writes
nothing. The real import checks again inside its transaction, so a row that turned bad meanwhile (a
username taken since the dry run) still stops the whole file.
"""

import csv
import io

from flask import current_app

from server.errors import Problem


def read_rows(text, columns, required):
    """Return [(line number, {column: text})] from CSV text with a header row; a bad file stops at once."""
    try:
        return _read_rows(text, columns, required)
    except csv.Error as exc:  # e.g. a field longer than the csv module's limit, or a stray quote
        raise Problem("import.invalid", {"1": {"_file": [f"Not a valid CSV file: {exc}."]}}, count=1) from exc


def _read_rows(text, columns, required):
    text = text.lstrip("\ufeff")
    first = (text.splitlines() or [""])[0]
    # Spreadsheets in an Indonesian locale save with semicolons; take whichever separator the header uses.
    delimiter = max((",", ";", "\t"), key=first.count)
    # newline="": the csv module itself reads \n, \r\n and old Mac \r line ends.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    errors = [f"Unknown column: {name}." for name in header if name not in columns]
    errors += [f"Missing column: {name}." for name in required if name not in header]
    if not header or errors:
        raise Problem("import.invalid", {"1": {"_header": errors or ["The file is empty."]}}, count=1)
    rows, limit = [], current_app.config["IMPORT_MAX_ROWS"]
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            raise Problem("import.invalid", {str(reader.line_num): {"_row": ["More values than columns."]}}, count=1)
        rows.append((reader.line_num, dict(zip(header, [v.strip() for v in values], strict=False))))
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
