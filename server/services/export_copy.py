"""The assists CSV straight from PostgreSQL's COPY: every cell is formatted in SQL exactly as the Python
writer formats it (labels, masks, times), so the file is the same, only several times faster.

`tests/test_exports.py` holds the two paths to byte-for-byte equality on awkward data.
"""

from flask import current_app
from sqlalchemy import Text, and_, case, cast, func, literal, literal_column

from server.extensions import db
from server.models import Assist, Outreach, User
from server.services.cells import FORMULA_PATTERN, PLAIN_PHONE
from server.services.reference import LABELS
from server.services.zones import WIB, WIT, WITA, provinsi_by_zone, zone_of

BULLET = "•"


def available(fmt):
    """Return whether this export can go through COPY (CSV on PostgreSQL, unless turned off)."""
    return fmt == "csv" and current_app.config["EXPORT_CSV_COPY"] and db.session.get_bind().dialect.name == "postgresql"


def _label(kind, column):
    # `CASE column WHEN code THEN label …`: the column is read once, not once per code.
    return case({code: names[0] for code, names in LABELS[kind].items()}, value=column, else_=column)


def _text(column):
    # COPY writes '' as "" but NULL as nothing; the csv module writes both as nothing. Formulas are
    # neutralised exactly as cells.neutralize does.
    risky = and_(column.op("~")(FORMULA_PATTERN), column.op("!~")(PLAIN_PHONE))
    return func.nullif(case((risky, literal("'") + column), else_=column), "")


def _zone(choose, area):
    """Return a zone's value (`choose` maps a zone to it): a constant for an area inside one provinsi (its zone),
    else a CASE picking it by each desa's provinsi (the country spans three zones)."""
    if area.level >= 1:
        return choose(zone_of(area.code))  # one provinsi, one zone: nothing to work out per row
    provinsi = func.left(Assist.desa_code, 2)
    zones = {WITA[0]: WITA, WIT[0]: WIT}
    whens = [(provinsi.in_(codes), choose(zones[name])) for name, codes in provinsi_by_zone().items()]
    return case(*whens, else_=choose(WIB))


def _time(column, area):
    # The desa's wall-clock time, as zones.tzinfo_of gives it on the Python side.
    # The offsets are the zones' own constants, written into the SQL (never input). Whole seconds as text in the
    # ISO date style (CopyRows sets it): 'YYYY-MM-DD HH:MM:SS', a third cheaper than to_char's format.
    local = func.timezone("UTC", column) + _zone(lambda z: literal_column(f"interval '{z[1]} hours'"), area)
    return cast(func.date_trunc("second", local), Text)


def _masked_kk(column):
    # A KK number has 16 digits (checked at the wire): its mask is a constant between two ends.
    fast = func.left(column, 6) + literal(BULLET * 6) + func.right(column, 4)
    return case((func.length(column) == 16, fast), else_=_masked(column, 6, 4))


def _masked(column, keep_start, keep_end):
    length = func.length(column)
    hidden = func.repeat(BULLET, length - keep_start - keep_end)
    shown = func.concat(func.left(column, keep_start), hidden, func.right(column, keep_end))
    return case((column.is_(None), None), (length > keep_start + keep_end, shown), else_=func.repeat(BULLET, length))


def _reasons():
    # Text operations on the stored JSON (["a", "b"]) instead of unnesting it: a subquery per row took 40% of
    # the export's time. Codes become labels while still quoted, so one code inside another cannot match.
    stored = cast(Assist.reasons, Text)
    text = stored
    for code, names in LABELS["reason"].items():
        text = func.replace(text, f'"{code}"', names[0])
    text = func.regexp_replace(func.replace(text, '"', ""), r"\s*,\s*", ", ", "g")
    general = func.nullif(func.btrim(text, "[] "), "")
    # Most households give one reason, stored as json.dumps writes it: a plain comparison is 4x cheaper than the
    # replacements and the regular expression, which remain for everything else.
    single = {f'["{code}"]': names[0] for code, names in LABELS["reason"].items()}
    return case(single, value=stored, else_=general)


def assist_cells(areas, unmask, area):
    """Return the SQL expressions of the assists CSV's cells, in ASSIST_COLUMNS order. Area names are written as
    they are: they come from the area list, whose import refuses a name that starts like a formula."""
    a, o = Assist, Outreach
    code = a.kecamatan_code
    phone = (
        a.phone
        if unmask
        else case((func.left(a.phone, 1) == "+", _masked(a.phone, 5, 3)), else_=_masked(a.phone, 4, 3))
    )
    return (
        cast(a.id, Text),
        a.version,
        cast(o.date, Text),  # ISO date style: YYYY-MM-DD
        func.substr(code, 1, 2),
        areas.provinsi.name,
        func.substr(code, 1, 5),
        areas.kabupaten.name,
        code,
        areas.kecamatan.name,
        a.desa_code,
        areas.desa.name,
        areas.desa.bps_code,
        cast(a.outreach_id, Text),
        _label("place_kind", o.place_kind),
        _text(o.place_name),
        _text(User.username),
        _text(User.display_name),
        a.kk_number if unmask else _masked_kk(a.kk_number),
        _text(a.head_name),
        a.members,
        _label("outcome", a.outcome),
        _reasons(),
        _label("device_used", a.device_used),
        _text(phone),
        _text(a.notes),
        _text(a.address),
        _text(a.rt_rw),
        _label("review_state", a.review_state),
        _text(a.review_comment),
        case((a.voided, "Ya"), else_="Tidak"),
        _text(a.void_reason),
        _zone(lambda z: literal(z[0]), area),
        _time(a.device_time, area),
        _time(a.received_at, area),
        _time(a.updated_at, area),
    )


class CopyRows:
    """Stream a query's rows as CSV bytes through COPY; `count` holds the rows sent once it has finished."""

    def __init__(self, header, query, sep):
        self.header, self.query, self.sep, self.count = header, query, sep, 0
        # Called with about how many rows went out so far (line ends; a note with a line break counts twice).
        self.progress = None

    def body(self, size=256 * 1024):
        """Yield the CSV file (the header, then the rows) in chunks of about `size` bytes."""
        yield self.header
        # Lists (the zones' provinsi codes) become one parameter each: COPY cannot expand a list later.
        dialect = db.session.get_bind().dialect
        compiled = self.query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        # The separator is one of export_files.SEPARATORS (checked by the schema), never free text.
        sql = f"COPY ({compiled.string}) TO STDOUT WITH (FORMAT csv, DELIMITER '{self.sep}')"
        raw = db.session.connection().connection.driver_connection
        buffer = bytearray()
        with raw.cursor() as cursor:
            # Dates and times as text read YYYY-MM-DD HH:MM:SS in the ISO style, which psycopg needs anyway to read
            # times: said here too, since the file's cells depend on it.
            cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
            with cursor.copy(sql, compiled.params) as copy:
                for data in copy:
                    buffer += data
                    if len(buffer) >= size:
                        self.count += buffer.count(b"\n")
                        yield bytes(buffer)
                        buffer.clear()
                        if self.progress:
                            self.progress(self.count)
            self.count = cursor.rowcount
        yield bytes(buffer)
