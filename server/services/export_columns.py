"""The columns of every export: title, the row key it is filled from, and what it means (the XLSX codebook).

A column list is chosen per export and, for tally tables, per grouping, so that no export carries a column that
is empty by construction (a daily running total in a ranking of kecamatan, say).
"""

from dataclasses import dataclass

from server.services.reference import LABELS


@dataclass(frozen=True)
class Column:
    """One column of an export file, with its meaning and the values it takes, for the codebook."""

    title: str
    key: str
    about: str
    codes: str = ""


def _labels(kind):
    return "; ".join(names[0] for names in LABELS[kind].values())


_ZONE = "WIB = UTC+7, WITA = UTC+8, WIT = UTC+9: zona waktu desa, yang dipakai kolom waktu sesudahnya"
_MASK = "Tanda • menyembunyikan angka bila file tidak dibuka penuh (hak buka hanya untuk peran tertentu)"
_PCT = "Persen, satu atau dua angka desimal; kosong bila tidak dapat dihitung"
_OFFICIAL = "Angka resmi kantor statistik (diimpor); kosong bila belum ada"

AREA_COLUMNS = (
    Column("Kode provinsi", "provinsi_code", "Kode wilayah Kemendagri provinsi"),
    Column("Provinsi", "provinsi_name", "Nama provinsi"),
    Column("Kode kabupaten/kota", "kabupaten_code", "Kode wilayah Kemendagri kabupaten/kota"),
    Column("Kabupaten/kota", "kabupaten_name", "Nama kabupaten/kota"),
    Column("Kode kecamatan", "kecamatan_code", "Kode wilayah Kemendagri kecamatan"),
    Column("Kecamatan", "kecamatan_name", "Nama kecamatan"),
    Column("Kode desa", "desa_code", "Kode wilayah Kemendagri desa/kelurahan"),
    Column("Desa/kelurahan", "desa_name", "Nama desa/kelurahan"),
    Column(
        "Kode BPS desa",
        "desa_bps_code",
        "Kode wilayah BPS desa/kelurahan, bila daftar wilayah memuatnya (daftar bawaan tidak; lihat docs)",
    ),
)

ASSIST_COLUMNS = (
    Column("ID pendampingan", "id", "Nomor unik pendampingan, dibuat di HP petugas (UUID)"),
    Column("Versi", "version", "Versi catatan: 1 = asli, naik setiap kali diperbaiki"),
    Column("Tanggal kegiatan", "date", "Tanggal kegiatan jemput bola"),
    *AREA_COLUMNS,
    Column("ID kegiatan", "outreach_id", "Nomor unik kegiatan jemput bola (UUID)"),
    Column("Jenis titik kumpul", "place_kind", "Jenis tempat kegiatan", _labels("place_kind")),
    Column("Nama tempat", "place_name", "Nama tempat kegiatan, seperti diketik petugas"),
    Column("Nama pengguna petugas", "username", "Nama pengguna (login) petugas"),
    Column("Petugas", "enumerator", "Nama petugas"),
    Column("Nomor KK", "kk_number", "Nomor Kartu Keluarga, 16 angka", _MASK),
    Column("Kepala keluarga", "head_name", "Nama kepala keluarga"),
    Column("Anggota terdaftar", "members", "Jumlah anggota keluarga yang didaftarkan (jiwa)"),
    Column("Hasil", "outcome", "Hasil pendampingan", _labels("outcome")),
    Column("Alasan dibantu", "reasons", "Alasan warga perlu dibantu, dipisah koma", _labels("reason")),
    Column("Perangkat", "device_used", "Perangkat yang dipakai untuk mengisi", _labels("device_used")),
    Column("Telepon", "phone", "Nomor telepon warga (boleh kosong)", _MASK),
    Column("Catatan", "notes", "Catatan petugas (boleh kosong)"),
    Column("Alamat", "address", "Alamat rumah tangga untuk kunjungan (boleh kosong)"),
    Column("RT/RW", "rt_rw", "RT/RW rumah tangga, seperti 003/005 (boleh kosong)"),
    Column("Status pemeriksaan", "review_state", "Hasil pemeriksaan koordinator", _labels("review_state")),
    Column("Komentar pemeriksa", "review_comment", "Komentar koordinator saat menandai atau menolak"),
    Column("Dibatalkan", "voided", "Ya bila dibatalkan sebagai data ganda (tidak dihitung)", "Ya; Tidak"),
    Column("Alasan pembatalan", "void_reason", "Alasan pembatalan"),
    Column("Zona waktu", "zone", "Zona waktu kolom waktu berikut", _ZONE),
    Column("Waktu di HP", "device_time", "Jam di HP saat dicatat (jam HP bisa salah)"),
    Column("Diterima server", "received_at", "Waktu catatan diterima server"),
    Column("Terakhir diubah", "updated_at", "Waktu perubahan terakhir (perbaikan atau pemeriksaan)"),
)

OUTREACH_COLUMNS = (
    Column("ID kegiatan", "id", "Nomor unik kegiatan jemput bola (UUID)"),
    Column("Tanggal kegiatan", "date", "Tanggal kegiatan"),
    *AREA_COLUMNS,
    Column("Jenis titik kumpul", "place_kind", "Jenis tempat kegiatan", _labels("place_kind")),
    Column("Nama tempat", "place_name", "Nama tempat kegiatan, seperti diketik petugas"),
    Column("Nama pengguna petugas", "username", "Nama pengguna (login) petugas"),
    Column("Petugas", "enumerator", "Nama petugas"),
    Column("Zona waktu", "zone", "Zona waktu kolom waktu berikut", _ZONE),
    Column("Mulai", "started_at", "Waktu kegiatan dimulai (boleh kosong)"),
    Column("Selesai", "ended_at", "Waktu kegiatan selesai (boleh kosong)"),
    Column("Lintang", "lat", "Lintang GPS (derajat desimal, WGS 84); kosong bila HP tidak memberi lokasi"),
    Column("Bujur", "lon", "Bujur GPS (derajat desimal, WGS 84); kosong bila HP tidak memberi lokasi"),
    Column("Rumah tangga", "households", "Rumah tangga didampingi (tanpa yang dibatalkan/ditolak)"),
    Column("Jiwa", "persons", "Jiwa terdaftar dari rumah tangga itu"),
)

FOLLOW_UP_COLUMNS = (
    *AREA_COLUMNS,
    Column("Nomor KK", "kk_number", "Nomor Kartu Keluarga, 16 angka", _MASK),
    Column("Kepala keluarga", "head_name", "Nama kepala keluarga"),
    Column("Alamat", "address", "Alamat rumah tangga untuk kunjungan (boleh kosong)"),
    Column("RT/RW", "rt_rw", "RT/RW rumah tangga, seperti 003/005 (boleh kosong)"),
    Column("Hasil pendampingan", "outcome", "Hasil terbaik bila rumah tangga dicatat lebih dari sekali", "Berhasil"),
    Column("Perlu dikunjungi", "visit", "Ya bila sensus rumah tangga belum selesai (bukan Berhasil)", "Ya; Tidak"),
    Column("Tanggal kegiatan", "date", "Tanggal pendampingan yang dipakai"),
    Column("Nama tempat", "place_name", "Tempat pendampingan itu"),
    Column("Petugas", "enumerator", "Petugas yang mendampingi"),
    Column("Telepon", "phone", "Nomor telepon warga (boleh kosong)", _MASK),
    Column("Kali dicatat", "times", "Berapa kali rumah tangga ini dicatat"),
)

_OWN = (
    Column("Rumah tangga", "households", "Rumah tangga didampingi (tanpa yang dibatalkan/ditolak)"),
    Column("Jiwa", "persons", "Jiwa terdaftar dari rumah tangga itu"),
    Column("RT berhasil", "successful", "Rumah tangga dengan hasil Berhasil"),
    Column("Tingkat keberhasilan (%)", "success_rate", "RT berhasil ÷ rumah tangga", _PCT),
    Column("RT tidak dihitung (batal/ditolak)", "excluded_households", "Dibatalkan atau ditolak"),
    Column("Jiwa tidak dihitung", "excluded_persons", "Jiwa dari RT yang dibatalkan atau ditolak"),
)
_RANK = Column("Peringkat", "rank", "Peringkat (1 = tertinggi); sama bila nilainya sama; kosong bila tanpa ukuran")
_PARTICIPATION = Column("Partisipasi (%)", "participation_pct", "Ikut serta sampai akhir periode ÷ penduduk", _PCT)
_TOOK_PART = (
    Column("Ikut serta pada periode (angka resmi)", "took_part", _OFFICIAL),
    Column("Ikut serta sampai akhir periode", "took_part_total", _OFFICIAL),
)

TALLY_COLUMNS = {
    "child": (
        _RANK,
        Column("Kode", "key", "Kode wilayah Kemendagri"),
        Column("Nama", "label", "Nama wilayah"),
        *_OWN,
        Column("Penduduk", "population", "Penduduk menurut target (kosong bila target belum diisi)"),
        Column("Target (%)", "target_pct", "Target partisipasi", _PCT),
        Column("Target jiwa", "target_persons", "Penduduk × target"),
        Column("Jiwa didampingi terhadap target (%)", "assisted_of_target_pct", "Jiwa ÷ target jiwa", _PCT),
        *_TOOK_PART,
        Column("Angka resmi per tanggal", "official_as_of", "Tanggal angka resmi terakhir yang dipakai"),
        _PARTICIPATION,
        Column("Selisih dari target (poin)", "gap_pct", "Partisipasi − target, dalam poin persen", _PCT),
        Column("Capaian target (%)", "achievement_pct", "Partisipasi ÷ target", _PCT),
        Column("Porsi jemput bola (%)", "share_pct", "Jiwa didampingi ÷ ikut serta pada periode", _PCT),
    ),
    "day": (
        Column("Tanggal", "day", "Tanggal (semua hari periode, juga yang tanpa kegiatan)"),
        *_OWN,
        Column("Jiwa kumulatif", "cumulative_persons", "Jiwa didampingi dari awal periode sampai tanggal ini"),
        *_TOOK_PART,
        _PARTICIPATION,
    ),
    "enumerator": (
        _RANK,
        Column("Nama pengguna", "username", "Nama pengguna (login) petugas"),
        Column("Petugas", "label", "Nama petugas"),
        *_OWN,
        Column("Zona waktu", "zone", "Zona waktu kolom berikut", _ZONE),
        Column("Terakhir sinkron", "last_sync_at", "Terakhir HP petugas mengirim atau menerima data"),
        Column("Belum terkirim di HP", "pending_count", "Catatan yang HP laporkan belum terkirim"),
    ),
    "place_kind": (
        _RANK,
        Column("Jenis titik kumpul", "label", "Jenis tempat kegiatan", _labels("place_kind")),
        Column("Kegiatan", "events", "Kegiatan jemput bola (titik kumpul) pada periode"),
        Column("RT per kegiatan", "households_per_event", "Rumah tangga ÷ kegiatan (hasil per kegiatan)"),
        Column("Jiwa per kegiatan", "persons_per_event", "Jiwa ÷ kegiatan"),
        Column("Porsi rumah tangga (%)", "households_share_pct", "Rumah tangga jenis ini ÷ semua", _PCT),
        *_OWN,
    ),
    "outcome": (
        Column("Hasil", "label", "Hasil pendampingan", _labels("outcome")),
        Column("Porsi rumah tangga (%)", "households_share_pct", "Rumah tangga dengan hasil ini ÷ semua", _PCT),
        *_OWN,
    ),
}
