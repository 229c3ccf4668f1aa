"""The problem catalogue and the error handlers: one RFC 9457 problem body everywhere, in Indonesian or English.

Problem codes are stable and never reused; the PWA and other clients branch on them, never on message text.
"""

import json
import logging
import random

from flask import current_app, make_response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from server import metrics
from server.i18n import pick, translate_field_errors

log = logging.getLogger(__name__)

# code: (HTTP status, English, Indonesian)
CATALOGUE = {
    "request.invalid": (422, "Some fields are not valid.", "Beberapa isian tidak valid."),
    "request.malformed": (400, "The request could not be read.", "Permintaan tidak dapat dibaca."),
    "request.too_large": (
        413,
        "The request is too large (at most {limit} bytes).",
        "Permintaan terlalu besar (paling banyak {limit} byte).",
    ),
    "request.not_found": (404, "Not found.", "Tidak ditemukan."),
    "request.uri_too_long": (
        414,
        "The address is too long (at most {limit} bytes).",
        "Alamat permintaan terlalu panjang (paling banyak {limit} byte).",
    ),
    "request.headers_too_large": (
        431,
        "The request headers are too large.",
        "Header permintaan terlalu besar.",
    ),
    "request.method_not_allowed": (405, "Method not allowed.", "Metode tidak diizinkan."),
    "request.unsupported_media": (
        415,
        "Send the body as application/json.",
        "Kirim isi permintaan sebagai application/json.",
    ),
    "csrf.rejected": (
        403,
        "Cross-site request refused.",
        "Permintaan dari situs lain ditolak.",
    ),
    "auth.required": (401, "Please sign in.", "Silakan masuk terlebih dahulu."),
    "auth.invalid_credentials": (
        401,
        "Username or password is wrong.",
        "Nama pengguna atau kata sandi salah.",
    ),
    "auth.throttled": (
        429,
        "Too many failed sign-ins. Try again in {seconds} seconds.",
        "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {seconds} detik.",
    ),
    "auth.forbidden": (
        403,
        "Your role may not do this.",
        "Peran Anda tidak diizinkan melakukan ini.",
    ),
    "device.not_yours": (
        403,
        "This device is registered to another account.",
        "Perangkat ini terdaftar untuk akun lain.",
    ),
    "device.unknown": (
        403,
        "This device is not registered. Sign in again on this phone.",
        "Perangkat ini belum terdaftar. Silakan masuk lagi di HP ini.",
    ),
    "device.revoked": (
        403,
        "This device was blocked by your supervisor. Your records stay on the phone; contact your supervisor.",
        "Perangkat ini diblokir oleh supervisor. Data tetap tersimpan di HP; hubungi supervisor Anda.",
    ),
    "sync.too_many_mutations": (
        413,
        "Too many records in one upload (at most {limit}).",
        "Terlalu banyak data dalam satu pengiriman (paling banyak {limit}).",
    ),
    "sync.bad_cursor": (422, "The sync cursor is not valid.", "Penanda sinkronisasi tidak valid."),
    "paging.bad_cursor": (
        422,
        "This page marker is not valid for this list; load the list again from the start.",
        "Penanda halaman ini tidak berlaku untuk daftar ini; muat ulang daftar dari awal.",
    ),
    "mutation.invalid": (422, "This record has invalid fields.", "Data ini memiliki isian yang tidak valid."),
    "mutation.id_reused": (
        409,
        "This change id was already used for different content.",
        "ID perubahan ini sudah dipakai untuk isi yang berbeda.",
    ),
    "record.id_conflict": (
        409,
        "A different record with this id already exists.",
        "Data lain dengan ID ini sudah ada.",
    ),
    "record.not_found": (404, "Record not found.", "Data tidak ditemukan."),
    "record.conflict": (
        409,
        "This record was changed elsewhere; both versions are kept.",
        "Data ini sudah diubah di tempat lain; kedua versi disimpan.",
    ),
    "outreach.unknown": (
        409,
        "The outreach of this record has not arrived yet.",
        "Kegiatan untuk data ini belum diterima server.",
    ),
    "outreach.has_assists": (
        409,
        "This outreach still has households; void them first.",
        "Kegiatan ini masih memiliki rumah tangga; batalkan dulu datanya.",
    ),
    "area.out_of_scope": (
        403,
        "This area is outside your assignment.",
        "Wilayah ini di luar wilayah tugas Anda.",
    ),
    "area.not_found": (404, "Area not found.", "Wilayah tidak ditemukan."),
    "area.choose": (422, "Choose an area first.", "Pilih wilayah terlebih dahulu."),
    "tally.no_children": (
        422,
        "A desa has no child areas; group by petugas, day, kind of place or outcome instead.",
        "Desa tidak memiliki wilayah di bawahnya; kelompokkan per petugas, hari, jenis tempat atau hasil.",
    ),
    "review.precondition_required": (
        428,
        "Reload the record before acting on it (If-Match header missing).",
        "Muat ulang data sebelum memeriksanya (header If-Match tidak ada).",
    ),
    "review.stale": (
        412,
        "Someone else changed this record after you opened it. Reload it and decide again.",
        "Data ini sudah diubah orang lain setelah Anda membukanya. Muat ulang lalu periksa kembali.",
    ),
    "review.comment_required": (
        422,
        "Write a comment so the petugas knows what to fix.",
        "Tulis komentar agar petugas tahu apa yang harus diperbaiki.",
    ),
    "review.own_record": (
        403,
        "Someone else must review a record you logged yourself.",
        "Data yang Anda catat sendiri harus diperiksa orang lain.",
    ),
    "review.voided": (
        409,
        "This record was voided; it cannot be reviewed.",
        "Data ini sudah dibatalkan; tidak dapat diperiksa.",
    ),
    "duplicate.not_duplicate": (
        409,
        "This household is no longer logged more than once.",
        "Rumah tangga ini tidak lagi tercatat lebih dari sekali.",
    ),
    "export.unmask_forbidden": (
        403,
        "Your role may not export full KK numbers and phone numbers.",
        "Peran Anda tidak boleh mengekspor nomor KK dan telepon lengkap.",
    ),
    "user.not_found": (404, "User not found.", "Pengguna tidak ditemukan."),
    "user.self_change": (
        409,
        "You cannot change your own role or disable your own account.",
        "Anda tidak dapat mengubah peran atau menonaktifkan akun sendiri.",
    ),
    "user.disabled": (
        409,
        "This account is disabled; enable it first.",
        "Akun ini nonaktif; aktifkan dulu.",
    ),
    "device.not_found": (404, "Device not found.", "Perangkat tidak ditemukan."),
    "auth.code_invalid": (
        401,
        "This code is wrong, already used or expired. Ask your supervisor for a new one.",
        "Kode ini salah, sudah dipakai, atau kedaluwarsa. Minta kode baru kepada supervisor.",
    ),
    "import.invalid": (
        422,
        "{count} row(s) of the file have errors; nothing was imported.",
        "{count} baris dalam berkas bermasalah; tidak ada yang diimpor.",
    ),
    "import.too_many_rows": (
        413,
        "The file has too many rows (at most {limit}); split it.",
        "Berkas terlalu banyak barisnya (paling banyak {limit}); bagi menjadi beberapa berkas.",
    ),
    "export.busy": (
        429,
        "You already have exports running; wait for them to finish.",
        "Masih ada ekspor Anda yang berjalan; tunggu sampai selesai.",
    ),
    "export.not_found": (404, "Export not found.", "Ekspor tidak ditemukan."),
    "export.link_expired": (
        410,
        "This download link has expired. Open the export again for a new link.",
        "Tautan unduhan ini sudah kedaluwarsa. Buka lagi ekspornya untuk tautan baru.",
    ),
    "service.busy": (
        503,
        "The server is busy. Your data is safe; it will be sent again shortly.",
        "Server sedang sibuk. Data Anda aman dan akan dikirim ulang sebentar lagi.",
    ),
    "server.error": (
        500,
        "Something went wrong on the server. Your data is safe; try again later.",
        "Terjadi kesalahan di server. Data Anda aman; coba lagi nanti.",
    ),
}

_BY_STATUS = {
    400: "request.malformed",
    401: "auth.required",
    403: "auth.forbidden",
    404: "request.not_found",
    405: "request.method_not_allowed",
    412: "review.stale",
    413: "request.too_large",
    415: "request.unsupported_media",
    422: "request.invalid",
    429: "auth.throttled",
    503: "service.busy",
}


class Problem(Exception):
    """An error with a catalogue code; raised anywhere, rendered as the one JSON problem body."""

    def __init__(self, problem, errors=None, headers=None, **params):
        super().__init__(problem)
        self.problem = problem
        self.errors = errors
        self.headers = headers or {}
        self.params = params

    @property
    def status(self):
        """Return the HTTP status of this problem."""
        return CATALOGUE[self.problem][0]


def problem_message(problem, **params):
    """Return the catalogue message of a problem in the request's language."""
    _, en, id_ = CATALOGUE[problem]
    return pick({"en": en, "id": id_}, **params)


PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:jemput-bola:problem:"


def problem_body(problem, errors=None, **params):
    """Build the RFC 9457 problem body: type, title, status, detail, plus our `problem` code and `errors`."""
    status = CATALOGUE[problem][0]
    body = {
        "type": TYPE_PREFIX + problem,
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": problem_message(problem, **params),
        "problem": problem,
    }
    if errors:
        body["errors"] = translate_field_errors(errors)
    return body


def problem_response(problem, errors=None, headers=None, **params):
    """Return a Flask response carrying a problem body as application/problem+json."""
    # ensure_ascii: a lone surrogate echoed from bad input must not break encoding of the answer.
    resp = make_response(json.dumps(problem_body(problem, errors, **params)))
    resp.status_code = CATALOGUE[problem][0]
    if resp.status_code == 503:
        metrics.count_busy(problem)
    resp.mimetype = PROBLEM_MEDIA_TYPE
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def retry_after(base=5, spread=5):
    """Return a Retry-After value with jitter, so phones told to wait do not all come back at once."""
    return str(base + random.randint(0, spread))


def _handle_problem(exc):
    return problem_response(exc.problem, exc.errors, exc.headers, **exc.params)


def _handle_http(exc):
    """Map werkzeug/webargs HTTP errors (including validation) onto the catalogue."""
    code = exc.code or 500
    problem = _BY_STATUS.get(code, "server.error" if code >= 500 else "request.malformed")
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    if isinstance(errors, dict) and set(errors) <= {"json", "query", "form", "view_args", "headers", "files"}:
        # webargs nests by location; one level is enough for clients.
        merged = {}
        for part in errors.values():
            merged.update(part if isinstance(part, dict) else {"_schema": part})
        errors = merged
    params = {"limit": current_app.config["MAX_CONTENT_LENGTH"]} if problem == "request.too_large" else {}
    if problem == "auth.throttled":
        params = {"seconds": 60}
    headers = dict(data.get("headers") or {})
    if code == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return problem_response(problem, errors, headers, **params)


def _handle_operational(exc):
    # A locked or restarted database is transient: the client keeps its data and retries later.
    log.warning("database unavailable: %s", exc.orig if exc.orig else exc)
    return problem_response("service.busy", headers={"Retry-After": retry_after()})


def _handle_pool_timeout(_exc):
    # Every connection of this process is busy (an end-of-day burst): the phone keeps its data and retries.
    log.warning("database connection pool exhausted")
    return problem_response("service.busy", headers={"Retry-After": retry_after()})


def _handle_data_error(exc):
    # A value the database cannot hold (out of range, wrong type) that slipped past the wire bounds: the
    # request is at fault, not the server.
    log.warning("database refused a value: %s", type(exc.orig).__name__)
    return problem_response("request.invalid")


def _handle_integrity(exc):
    log.warning("integrity error escaped a service: %s", type(exc.orig).__name__)
    return problem_response("record.id_conflict")


def _handle_unexpected(exc):
    log.exception("unhandled error")
    return problem_response("server.error")


def register_error_handlers(app):
    """Attach the problem handlers to the app (after flask-smorest, so ours win)."""
    app.register_error_handler(Problem, _handle_problem)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(OperationalError, _handle_operational)
    app.register_error_handler(PoolTimeout, _handle_pool_timeout)
    app.register_error_handler(IntegrityError, _handle_integrity)
    app.register_error_handler(DataError, _handle_data_error)
    app.register_error_handler(Exception, _handle_unexpected)
