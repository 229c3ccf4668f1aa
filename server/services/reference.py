"""Reference lists (kinds of place, outcomes, reasons, devices used, review states) with their labels."""

from flask import current_app

from server.i18n import current_language
from server.models.record import DEVICES_USED, OUTCOMES, PLACE_KINDS, REASONS, REVIEW_STATES

LABELS = {
    "place_kind": {
        "kantor_desa": ("Kantor desa/kelurahan", "Village office"),
        "kantor_kecamatan": ("Kantor kecamatan", "Sub-district office"),
        "pkh_bansos": ("Penyaluran PKH/bansos", "PKH / social aid payout"),
        "kantor_instansi": ("Kantor dinas/instansi", "Government office"),
        "sekolah": ("Sekolah", "School"),
        "posyandu": ("Posyandu/puskesmas", "Health post"),
        "tempat_ibadah": ("Tempat ibadah", "Place of worship"),
        "pasar": ("Pasar", "Market"),
        "kunjungan_rumah": ("Kunjungan rumah", "Home visit"),
        "lainnya": ("Lainnya", "Other"),
    },
    "outcome": {
        "berhasil": ("Berhasil", "Submitted"),
        "sebagian": ("Sebagian", "Partly done"),
        "gagal": ("Gagal", "Could not submit"),
        "ditunda": ("Ditunda", "Postponed"),
    },
    "reason": {
        "tidak_punya_perangkat": ("Tidak punya HP/perangkat", "No phone or device"),
        "tidak_ada_kuota_sinyal": ("Tidak ada kuota/sinyal", "No data quota or signal"),
        "tidak_paham": ("Tidak paham caranya", "Did not know how"),
        "lansia_disabilitas": ("Lansia/disabilitas", "Elderly or disabled"),
        "data_kk_bermasalah": ("Data KK bermasalah", "Problem with KK data"),
        "lainnya": ("Lainnya", "Other"),
    },
    "device_used": {
        "hp_warga": ("HP warga", "Resident's phone"),
        "hp_petugas": ("HP petugas", "Officer's phone"),
        "perangkat_kantor": ("Tablet/laptop kantor", "Office tablet/laptop"),
    },
    "review_state": {
        "received": ("Diterima", "Received"),
        "approved": ("Disetujui", "Approved"),
        "flagged": ("Perlu perbaikan", "Needs correction"),
        "rejected": ("Ditolak", "Rejected"),
    },
}
_ORDER = {
    "place_kind": PLACE_KINDS,
    "outcome": OUTCOMES,
    "reason": REASONS,
    "device_used": DEVICES_USED,
    "review_state": REVIEW_STATES,
}
ROLE_LABELS = {
    "enumerator": ("Petugas", "Enumerator"),
    "coordinator": ("Koordinator Kecamatan", "Sub-district coordinator"),
    "supervisor": ("Supervisor Kabupaten", "District supervisor"),
    "province_supervisor": ("Supervisor Provinsi", "Province supervisor"),
    "admin": ("Admin", "Admin"),
}


def role_label(role):
    """Return a role's name in the request's language."""
    return ROLE_LABELS[role][0 if current_language() == "id" else 1]


def reference_lists():
    """Return every code list in its display order with Indonesian and English labels."""
    return {
        name: [{"code": code, "id": LABELS[name][code][0], "en": LABELS[name][code][1]} for code in codes]
        for name, codes in _ORDER.items()
    }


def record_rules():
    """Return the settings behind the record rules the phone checks before saving (the census window)."""
    cfg = current_app.config
    return {
        "census_date_from": cfg["CENSUS_DATE_FROM"].isoformat(),
        "census_date_to": cfg["CENSUS_DATE_TO"].isoformat(),
    }
