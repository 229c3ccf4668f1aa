"""Language choice (Indonesian first, English second) and the Indonesian text of validation messages."""

import re

from flask import has_request_context, request

LANGUAGES = ("id", "en")

# marshmallow/webargs speak English; these patterns give the Indonesian wording of the messages they emit.
_FIELD_MESSAGES_ID = [
    (r"Missing data for required field\.", "Wajib diisi."),
    (r"Unknown field\.", "Kolom tidak dikenal."),
    (r"Field may not be null\.", "Tidak boleh kosong."),
    (r"Not a valid string\.", "Harus berupa teks."),
    (r"Not a valid integer\.", "Harus berupa bilangan bulat."),
    (r"Not a valid number\.", "Harus berupa angka."),
    (r"Not a valid boolean\.", "Harus benar/salah."),
    (r"Not a valid UUID\.", "Bukan UUID yang sah."),
    (r"Not a valid date\.", "Bukan tanggal yang sah (YYYY-MM-DD)."),
    (r"Not a valid datetime\.", "Bukan waktu yang sah (ISO 8601)."),
    (r"Not a valid list\.", "Harus berupa daftar."),
    (r"Not a valid mapping type\.", "Harus berupa objek."),
    (r"Invalid input type\.", "Jenis masukan tidak sah."),
    (r"Invalid value\.", "Nilai tidak sah."),
    (r"Must be one of: (.*)\.", r"Harus salah satu dari: \1."),
    (r"Length must be between (\d+) and (\d+)\.", r"Panjang harus antara \1 dan \2."),
    (r"Shorter than minimum length (\d+)\.", r"Lebih pendek dari batas minimum \1."),
    (r"Longer than maximum length (\d+)\.", r"Lebih panjang dari batas maksimum \1."),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.", r"Harus antara \1 dan \2."),
    (r"Must be greater than or equal to (\S+)\.", r"Harus paling sedikit \1."),
    (r"Must be less than or equal to (\S+)\.", r"Harus paling banyak \1."),
    (r"Invalid JSON body\.", "Isi permintaan bukan JSON yang sah."),
    (r"Not a valid desa code\.", "Kode desa tidak valid (contoh: 35.09.19.1001)."),
    (r"Not a valid area code\.", "Kode wilayah tidak valid."),
    (r"Give both lat and lon, or neither\.", "Isi lat dan lon sekaligus, atau kosongkan keduanya."),
    (r"Must not be before started_at\.", "Tidak boleh sebelum waktu mulai."),
    (r"Each reason only once\.", "Setiap alasan cukup sekali."),
    (r"Write RT/RW as numbers, like 003/005\.", "Tulis RT/RW dengan angka, seperti 003/005."),
    (r"Not valid text \(NUL or an unpaired surrogate\)\.", "Teks tidak sah (berisi NUL atau karakter rusak)."),
    (r"Not a plausible time \(1970-2099\)\.", "Waktu tidak masuk akal (1970-2099)."),
    (r"Must be between (\S+) and (\S+)\.", r"Harus antara \1 dan \2."),
    (r"At most (\d+) days from from\.", r"Paling lama \1 hari dari tanggal awal."),
    (r"Must not be before from\.", "Tidak boleh sebelum tanggal awal."),
    (r"A JSON body is required\.", "Isi permintaan (JSON) wajib ada."),
    (r"Not a valid CSV file: (.*)\.", r"Bukan berkas CSV yang sah: \1."),
    (r"Already taken\.", "Sudah dipakai."),
    (
        r"Use 3-64 lowercase letters, digits, dot, dash or underscore\.",
        "Pakai 3-64 huruf kecil, angka, titik, tanda hubung atau garis bawah.",
    ),
    (r"Outside what your role may assign\.", "Di luar wewenang peran Anda."),
    (r"Area not found\.", "Wilayah tidak ditemukan."),
    (r"Repeats line (\d+)\.", r"Sama dengan baris \1."),
    (r"Unknown column: (.*)\.", r"Kolom tidak dikenal: \1."),
    (r"Missing column: (.*)\.", r"Kolom wajib tidak ada: \1."),
    (r"The file is empty\.", "Berkas kosong."),
    (r"No rows to import\.", "Tidak ada baris untuk diimpor."),
    (r"More values than columns\.", "Jumlah isian melebihi jumlah kolom."),
    (r"Not a valid XLSX file\.", "Bukan berkas XLSX yang sah."),
    (r"Not valid base64\.", "Bukan base64 yang sah."),
    (r"Send the file as csv or as xlsx \(exactly one\)\.", "Kirim berkas sebagai csv atau xlsx (salah satu saja)."),
    (r"Not a valid date \(YYYY-MM-DD\)\.", "Bukan tanggal yang sah (YYYY-MM-DD atau DD/MM/YYYY)."),
    (r"Outside the census period, or in the future\.", "Di luar masa sensus, atau tanggal yang belum tiba."),
]
_COMPILED_ID = [(re.compile(f"^{p}$"), r) for p, r in _FIELD_MESSAGES_ID]


def current_language():
    """Return 'id' or 'en' from the request's Accept-Language (Indonesian when unsure)."""
    if not has_request_context():
        return "id"
    return request.accept_languages.best_match(LANGUAGES, default="id")


def pick(texts, **params):
    """Return the text of a {'id': …, 'en': …} pair in the current language, formatted with params."""
    text = texts.get(current_language()) or texts["en"]
    return text.format(**params) if params else text


def translate_field_errors(errors, lang=None):
    """Return a copy of a marshmallow error tree with messages in the current language."""
    lang = lang or current_language()
    if isinstance(errors, dict):
        return {str(k): translate_field_errors(v, lang) for k, v in errors.items()}
    if isinstance(errors, list):
        return [translate_field_errors(v, lang) for v in errors]
    if isinstance(errors, str) and lang == "id":
        for pattern, repl in _COMPILED_ID:
            if pattern.match(errors):
                return pattern.sub(repl, errors)
    return errors
