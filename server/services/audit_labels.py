"""The audit log in words: each action's name, and a sentence of its details, in Indonesian or English.

The log stores stable codes and numbers (never personal data, never text that changes with the language);
this module turns them into what a supervisor or coordinator reads. An unknown code is shown as it is.
"""

from server.i18n import current_language
from server.models.user import ROLES
from server.services.reference import LABELS, role_label

ACTIONS = {
    "auth.login": ("Masuk", "Signed in"),
    "auth.code_login": ("Masuk dengan kode HP", "Signed in with a phone code"),
    "auth.login_failed": ("Gagal masuk", "Failed sign-in"),
    "auth.login_throttled": ("Masuk ditahan (terlalu banyak percobaan)", "Sign-in held back (too many tries)"),
    "auth.logout": ("Keluar", "Signed out"),
    "review.viewed": ("Membuka data pendampingan", "Opened an assist record"),
    "review.approve": ("Menyetujui data", "Approved a record"),
    "review.flag": ("Menandai perlu perbaikan", "Flagged for correction"),
    "review.reject": ("Menolak data", "Rejected a record"),
    "review.bulk_approve": ("Menyetujui sekaligus", "Approved in bulk"),
    "review.void_duplicate": ("Membatalkan data ganda", "Voided a duplicate"),
    "export.assists": ("Ekspor data pendampingan", "Exported assist records"),
    "export.follow_up": ("Ekspor daftar kunjungan", "Exported the follow-up list"),
    "export.tallies": ("Ekspor tabel peringkat", "Exported a ranking table"),
    "export.outreaches": ("Ekspor titik kumpul", "Exported gathering points"),
    "export.downloaded": ("Mengunduh berkas ekspor", "Downloaded an export file"),
    "follow_up.unmasked": ("Membuka nomor lengkap daftar kunjungan", "Showed the follow-up list's full numbers"),
    "user.created": ("Membuat akun", "Created an account"),
    "user.updated": ("Mengubah akun", "Changed an account"),
    "user.password_reset": ("Mengatur ulang kata sandi", "Reset a password"),
    "sign_in_code.issued": ("Membuat kode masuk HP", "Issued a phone sign-in code"),
    "device.registered": ("HP baru terdaftar", "Registered a phone"),
    "device.revoked": ("Memblokir HP", "Blocked a phone"),
    "device.restored": ("Membuka blokir HP", "Unblocked a phone"),
    "device.foreign_use": ("HP orang lain dipakai", "Someone else's phone was used"),
    "target.updated": ("Mengubah target", "Changed a target"),
    "target.imported": ("Mengimpor target", "Imported targets"),
    "progress.imported": ("Mengimpor progres resmi", "Imported official progress"),
    "area.imported": ("Mengimpor daftar wilayah", "Imported the area list"),
    "sync.foreign_record": ("Kiriman menyentuh data orang lain (ditolak)", "An upload touched another's record"),
    "sync.record_id_conflict": ("Kiriman dengan nomor data bentrok", "An upload reused a record id"),
}
# Filters whose values are codes of a reference list, shown by their label.
_CODED_FILTERS = {"outcome": "outcome", "state": "review_state"}
# The groups the log can be filtered by, in the order offered.
GROUPS = {
    "auth": ("Masuk dan keluar", "Sign-in and sign-out"),
    "review": ("Pemeriksaan", "Review"),
    "export": ("Ekspor", "Exports"),
    "follow_up": ("Daftar kunjungan", "Follow-up list"),
    "user": ("Akun", "Accounts"),
    "sign_in_code": ("Kode masuk HP", "Phone sign-in codes"),
    "device": ("HP", "Phones"),
    "target": ("Target", "Targets"),
    "progress": ("Progres resmi", "Official progress"),
    "sync": ("Kiriman dari HP", "Uploads from phones"),
}
_WORDS = {
    "masked": ("disamarkan", "masked"),
    "unmasked": ("nomor KK dan telepon utuh", "full KK and phone numbers"),
    "rows": ("{n} baris", "{n} rows"),
    "cut": ("terputus setelah {n} baris", "cut off after {n} rows"),
    "running": ("belum selesai", "not finished"),
    "downloads": ("diunduh {n}×", "downloaded {n}×"),
    "count": ("{n} data", "{n} records"),
    "version": ("versi {n}", "version {n}"),
    "created": ("{n} baru", "{n} new"),
    "updated": ("{n} diubah", "{n} changed"),
    "removed": ("{n} dihapus", "{n} removed"),
    "minutes": ("berlaku {n} menit", "valid {n} minutes"),
    "fields": ("isian: {list}", "fields: {list}"),
    "areas": ("wilayah: {list}", "areas: {list}"),
    "filters": ("filter: {list}", "filter: {list}"),
    "reason": ("alasan: {text}", "reason: {text}"),
}


def _pick(pair):
    return pair[0] if current_language() == "id" else pair[1]


def _n(number):
    """Return a count with the language's thousands mark (1.234 in Indonesian, 1,234 in English)."""
    text = f"{number:,}"
    return text.replace(",", ".") if current_language() == "id" else text


def _word(key, **params):
    return _pick(_WORDS[key]).format(**params)


def action_label(action):
    """Return an action's name in the current language (the code itself when it has none)."""
    pair = ACTIONS.get(action)
    return _pick(pair) if pair else action


def groups():
    """Return the action groups to filter by: [{code, label}] in the current language."""
    return [{"code": code, "label": _pick(pair)} for code, pair in GROUPS.items()]


def summary(event):
    """Return the event's details as a short sentence (export: format, masked or not, rows, downloads)."""
    d = event.details or {}
    parts = []
    if event.action.startswith("export.") and event.action != "export.downloaded":
        parts += _export_parts(event, d)
    for key in ("count", "version", "created", "updated", "removed", "minutes"):
        if isinstance(d.get(key), int) and not isinstance(d.get(key), bool):
            parts.append(_word(key, n=_n(d[key])))
    if d.get("role"):
        parts.append(role_label(d["role"]) if d["role"] in ROLES else str(d["role"]))
    if d.get("areas"):
        parts.append(_word("areas", list=", ".join(map(str, d["areas"]))))
    if d.get("fields"):
        parts.append(_word("fields", list=", ".join(map(str, d["fields"]))))
    if d.get("filters") and not event.action.startswith("export."):
        parts.append(_filters(d["filters"]))
    return "; ".join(parts)


def _export_parts(event, d):
    parts = [str(d.get("format", "")).upper() or None, _word("masked" if d.get("masked", True) else "unmasked")]
    done = getattr(event, "done", None)
    if done is None:
        parts.append(_word("running"))
    elif done.get("complete", True):
        parts.append(_word("rows", n=_n(done.get("rows", 0))))
    else:
        parts.append(_word("cut", n=_n(done.get("rows", 0))))
    if getattr(event, "downloads", 0):
        parts.append(_word("downloads", n=event.downloads))
    if d.get("filters"):
        parts.append(_filters(d["filters"]))
    return [p for p in parts if p]


def _filters(filters):
    shown = []
    for key, value in sorted(filters.items()):
        if key in ("by", "sep", "unmask"):
            continue
        kind = _CODED_FILTERS.get(key)
        if kind and value in LABELS[kind]:
            value = _pick(LABELS[kind][value])
        shown.append(f"{key}={value}")
    return _word("filters", list=", ".join(shown)) if shown else ""
