"""Writing export rows as files people open without help, in constant memory.

CSV: UTF-8 with a BOM, `;` between cells and a decimal comma (what Excel set to Indonesian expects), or `,` and a
decimal point; dates as YYYY-MM-DD. XLSX: real date cells, a frozen header with a filter, and a codebook sheet
saying what each column means. Text that a spreadsheet could run as a formula is made inert in both.
"""

import csv
import io
import json
import os
import tempfile
from datetime import date, datetime

import xlsxwriter

from server.services.cells import neutralize

CHUNK_ROWS = 2000
SEPARATORS = (";", ",")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def decimal_mark(sep):
    """Return the decimal mark that goes with a CSV separator (a comma only where cells are split by `;`)."""
    return "," if sep == ";" else "."


def csv_header(columns, sep):
    """Return the CSV file's first bytes: the BOM (so spreadsheets read UTF-8) and the column titles."""
    buffer = io.StringIO("\ufeff")
    buffer.seek(0, io.SEEK_END)
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerow([neutralize(c.title) for c in columns])
    return buffer.getvalue().encode()


def _csv_cell(value, mark):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value).replace(".", mark)
    return neutralize(value)


def csv_chunks(columns, rows, sep):
    """Yield a CSV file of dict rows in chunks of CHUNK_ROWS lines; lines end in \\n, as COPY writes them."""
    buffer, mark = io.StringIO(), decimal_mark(sep)
    out = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    buffer.write(csv_header(columns, sep).decode())
    for n, row in enumerate(rows, start=1):
        out.writerow([_csv_cell(row.get(c.key), mark) for c in columns])
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_chunks(columns, rows, codebook=True):
    """Yield an XLSX file of dict rows: the data sheet (frozen header, filter) and a codebook sheet."""
    # constant_memory: each row is flushed to a temporary file as soon as the next one starts.
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        # Text is always a string cell: never a formula (a typed "=HYPERLINK(…)") and never a live link.
        options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
        book = xlsxwriter.Workbook(path, {**options, "strings_to_urls": False})
        _data_sheet(book, columns, rows)
        if codebook:
            _codebook_sheet(book, columns)
        book.close()
        with open(path, "rb") as f:
            while chunk := f.read(256 * 1024):
                yield chunk
    finally:
        os.unlink(path)


def _data_sheet(book, columns, rows):
    sheet = book.add_worksheet("Data")
    bold = book.add_format({"bold": True})
    formats = {date: book.add_format({"num_format": "yyyy-mm-dd"})}
    formats[datetime] = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, [c.title for c in columns], bold)
    sheet.freeze_panes(1, 0)
    last = 0
    for last, row in enumerate(rows, start=1):
        for col, c in enumerate(columns):
            _write_cell(sheet, last, col, row.get(c.key), formats)
    sheet.autofilter(0, 0, max(last, 1), len(columns) - 1)
    sheet.set_column(0, len(columns) - 1, 16)


def _write_cell(sheet, r, c, value, formats):
    if value is None:
        return
    if isinstance(value, datetime):
        sheet.write_datetime(r, c, value.replace(tzinfo=None), formats[datetime])
    elif isinstance(value, date):
        sheet.write_datetime(r, c, value, formats[date])
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(r, c, value)
    else:
        sheet.write_string(r, c, str(value))


def _codebook_sheet(book, columns):
    sheet = book.add_worksheet("Kodebuku")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, ["Kolom", "Arti", "Nilai / kode"], bold)
    for r, c in enumerate(columns, start=1):
        sheet.write_row(r, 0, [c.title, c.about, c.codes])
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 2, 70)


def geojson_chunks(columns, rows):
    """Yield a GeoJSON FeatureCollection of dict rows with `lat` and `lon` (rows without them have no geometry);
    the other columns are each feature's properties, by key."""
    yield b'{"type": "FeatureCollection", "features": ['
    keys = [c.key for c in columns if c.key not in ("lat", "lon")]
    for n, row in enumerate(rows):
        point = None
        if row.get("lat") is not None and row.get("lon") is not None:
            point = {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
        props = {k: _json_value(row.get(k)) for k in keys}
        feature = {"type": "Feature", "geometry": point, "properties": props}
        yield (b"," if n else b"") + json.dumps(feature, ensure_ascii=False).encode()
    yield b"]}\n"


def _json_value(value):
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    return value


def file_bytes(columns, rows, fmt, sep=","):
    """Return a whole small file (a template to fill in) written as exports write theirs."""
    return b"".join(csv_chunks(columns, rows, sep) if fmt == "csv" else xlsx_chunks(columns, rows, codebook=False))
