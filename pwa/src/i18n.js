/**
 * Indonesian (default) and English strings, and Intl formatting for dates and numbers.
 */

const STRINGS = {
  id: {
    "app.title": "Jemput Bola",
    "login.title": "Masuk",
    "login.username": "Nama pengguna",
    "login.password": "Kata sandi",
    "login.submit": "Masuk",
    "login.offline": "Perlu sinyal untuk masuk pertama kali.",
    "login.again": "Sesi Anda berakhir. Masuk lagi untuk mengirim data; data di HP tetap aman.",
    "login.codeIgnored":
      "Kode masuk tidak dipakai: HP ini sudah masuk sebagai {name}. Untuk memakai kode, keluar dulu di Pengaturan (semua data harus sudah terkirim), lalu pindai lagi.",
    "login.codeTitle": "Masuk dengan kode",
    "login.codeHint": "Pindai kode QR dari supervisor, atau ketik kode 8 hurufnya. Kode hanya berlaku sekali.",
    "login.code": "Kode masuk",
    "login.codeSubmit": "Masuk dengan kode",
    "nav.home": "Beranda",
    "nav.records": "Data",
    "nav.settings": "Pengaturan",
    "status.unsent": "{n} belum terkirim",
    "status.oldest": "terlama {age}",
    "status.allSent": "Semua data terkirim",
    "status.lastSync": "Terkirim terakhir {when}",
    "status.never": "belum pernah",
    "status.sending": "Mengirim…",
    "status.retry": "coba lagi {when}",
    "status.sendNow": "Kirim sekarang",
    "status.blocked": "HP ini diblokir supervisor. Data tetap tersimpan; hubungi supervisor.",
    "home.today": "Hari ini",
    "home.start": "Mulai kegiatan baru",
    "home.open": "Kegiatan berjalan",
    "home.closed": "Kegiatan selesai",
    "home.none": "Belum ada kegiatan. Mulai di titik kumpul Anda.",
    "tally.households": "Rumah tangga",
    "tally.persons": "Jiwa",
    "outreach.new": "Kegiatan baru",
    "outreach.desa": "Desa/kelurahan",
    "outreach.kind": "Jenis titik kumpul",
    "outreach.place": "Nama tempat",
    "outreach.date": "Tanggal",
    "outreach.gps": "Ambil lokasi (GPS)",
    "outreach.gpsDone": "Lokasi tersimpan",
    "outreach.gpsFailed": "Lokasi tidak didapat (boleh dilewati)",
    "outreach.save": "Mulai",
    "outreach.close": "Selesaikan kegiatan",
    "outreach.closed": "Selesai",
    "assist.title": "Catat pendampingan",
    "assist.kk": "Nomor KK",
    "assist.head": "Nama kepala keluarga",
    "assist.members": "Anggota keluarga terdaftar",
    "assist.outcome": "Hasil",
    "assist.reasons": "Alasan perlu dibantu",
    "assist.device": "Perangkat yang dipakai",
    "assist.phone": "No. HP (boleh kosong)",
    "assist.notes": "Catatan (boleh kosong)",
    "assist.save": "Simpan",
    "assist.saved": "Tersimpan di HP ({n} belum terkirim)",
    "assist.saveFailed": "Gagal menyimpan di HP ({error}). Isian formulir masih ada; coba simpan lagi.",
    "assist.update": "Simpan perbaikan",
    "assist.less": "Kurangi",
    "assist.more": "Tambah",
    "kk.format": "Nomor KK harus tepat 16 angka.",
    "kk.date": "Digit 7–12 harus tanggal yang benar (DDMMYY).",
    "kk.serial": "4 digit terakhir tidak boleh 0000.",
    "kk.region": "Kode wilayah KK bukan kecamatan ini. Periksa lagi (boleh disimpan).",
    "phone.invalid": "Nomor HP tidak valid (contoh 0812-3456-7890).",
    "field.required": "Wajib diisi.",
    "field.reasons": "Pilih minimal satu alasan.",
    "records.title": "Semua data",
    "records.empty": "Belum ada data.",
    "records.fix": "Perbaiki",
    "state.saved": "Tersimpan di HP",
    "state.sending": "Mengirim",
    "state.sent": "Terkirim",
    "state.rejected": "Perlu perbaikan",
    "state.waiting": "Menunggu kegiatan terkirim",
    "state.conflict": "Bentrok: diubah di HP lain",
    "review.flagged": "Perlu perbaikan dari koordinator",
    "review.rejected": "Ditolak koordinator",
    "review.approved": "Disetujui",
    "settings.title": "Pengaturan",
    "settings.language": "Bahasa",
    "settings.export": "Ekspor data belum terkirim",
    "settings.exported": "{n} data diekspor ke berkas.",
    "settings.logout": "Keluar",
    "settings.logoutBlocked": "Tidak bisa keluar: {n} data belum terkirim. Kirim dulu (atau ekspor) agar tidak hilang.",
    "settings.storage": "Penyimpanan",
    "settings.persisted": "Data dilindungi dari penghapusan otomatis.",
    "settings.notPersisted":
      "Peringatan: browser boleh menghapus data bila penyimpanan penuh. Kirim data sesering mungkin.",
    "settings.low": "Peringatan: penyimpanan HP hampir penuh.",
    "settings.user": "Masuk sebagai {name}",
    "update.available": "Versi baru tersedia.",
    "update.apply": "Perbarui",
    "update.wait": "Versi baru dipasang setelah formulir selesai dan data terkirim.",
    "error.generic": "Terjadi kesalahan. Coba lagi.",
    "age.minutes": "{n} menit",
    "age.hours": "{n} jam",
    "age.days": "{n} hari",
  },
  en: {
    "app.title": "Jemput Bola",
    "login.title": "Sign in",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Sign in",
    "login.offline": "The first sign-in needs a signal.",
    "login.again": "Your session ended. Sign in again to send; the data on this phone is safe.",
    "login.codeIgnored":
      "Sign-in code not used: this phone is already signed in as {name}. To use the code, sign out first in Settings (everything must be sent), then scan it again.",
    "login.codeTitle": "Sign in with a code",
    "login.codeHint": "Scan the supervisor's QR code, or type its 8-letter code. A code works only once.",
    "login.code": "Sign-in code",
    "login.codeSubmit": "Sign in with code",
    "nav.home": "Home",
    "nav.records": "Records",
    "nav.settings": "Settings",
    "status.unsent": "{n} not sent",
    "status.oldest": "oldest {age}",
    "status.allSent": "Everything sent",
    "status.lastSync": "Last sent {when}",
    "status.never": "never",
    "status.sending": "Sending…",
    "status.retry": "retry {when}",
    "status.sendNow": "Send now",
    "status.blocked": "This phone was blocked by the supervisor. Data is kept; contact your supervisor.",
    "home.today": "Today",
    "home.start": "Start a new outreach",
    "home.open": "Running",
    "home.closed": "Finished",
    "home.none": "No outreach yet. Start one at your gathering point.",
    "tally.households": "Households",
    "tally.persons": "Persons",
    "outreach.new": "New outreach",
    "outreach.desa": "Village",
    "outreach.kind": "Kind of gathering point",
    "outreach.place": "Place name",
    "outreach.date": "Date",
    "outreach.gps": "Record location (GPS)",
    "outreach.gpsDone": "Location recorded",
    "outreach.gpsFailed": "No location (you may skip it)",
    "outreach.save": "Start",
    "outreach.close": "Finish outreach",
    "outreach.closed": "Finished",
    "assist.title": "Log a household",
    "assist.kk": "KK number",
    "assist.head": "Head of household",
    "assist.members": "Members registered",
    "assist.outcome": "Outcome",
    "assist.reasons": "Why help was needed",
    "assist.device": "Device used",
    "assist.phone": "Phone (optional)",
    "assist.notes": "Notes (optional)",
    "assist.save": "Save",
    "assist.saved": "Saved on the phone ({n} not sent)",
    "assist.saveFailed": "Could not save on the phone ({error}). The form still holds what you typed; try again.",
    "assist.update": "Save correction",
    "assist.less": "Fewer",
    "assist.more": "More",
    "kk.format": "The KK number must be exactly 16 digits.",
    "kk.date": "Digits 7–12 must be a real date (DDMMYY).",
    "kk.serial": "The last 4 digits cannot be 0000.",
    "kk.region": "The KK's region code is not this kecamatan. Please check (you may save).",
    "phone.invalid": "Not a valid phone number (e.g. 0812-3456-7890).",
    "field.required": "Required.",
    "field.reasons": "Choose at least one reason.",
    "records.title": "All records",
    "records.empty": "No records yet.",
    "records.fix": "Correct",
    "state.saved": "Saved on phone",
    "state.sending": "Sending",
    "state.sent": "Sent",
    "state.rejected": "Needs correction",
    "state.waiting": "Waiting for its outreach",
    "state.conflict": "Conflict: changed on another phone",
    "review.flagged": "Coordinator asks for a correction",
    "review.rejected": "Rejected by coordinator",
    "review.approved": "Approved",
    "settings.title": "Settings",
    "settings.language": "Language",
    "settings.export": "Export unsent records",
    "settings.exported": "{n} records exported to a file.",
    "settings.logout": "Sign out",
    "settings.logoutBlocked": "Cannot sign out: {n} records not sent. Send (or export) them first so nothing is lost.",
    "settings.storage": "Storage",
    "settings.persisted": "Data is protected from automatic clean-up.",
    "settings.notPersisted": "Warning: the browser may delete data when storage is full. Send data often.",
    "settings.low": "Warning: the phone's storage is almost full.",
    "settings.user": "Signed in as {name}",
    "update.available": "A new version is available.",
    "update.apply": "Update",
    "update.wait": "The new version installs once the form is done and data is sent.",
    "error.generic": "Something went wrong. Try again.",
    "age.minutes": "{n} min",
    "age.hours": "{n} h",
    "age.days": "{n} days",
  },
};

let lang = localStorage.getItem("jb-lang") || "id";

/** Current language code. */
export function language() {
  return lang;
}

/** Switch language (kept on the phone). */
export function setLanguage(next) {
  lang = STRINGS[next] ? next : "id";
  localStorage.setItem("jb-lang", lang);
  document.documentElement.lang = lang;
}

/** Add strings of a lazily loaded part of the app ({id: {...}, en: {...}}). */
export function addStrings(more) {
  for (const [l, strings] of Object.entries(more)) Object.assign(STRINGS[l], strings);
}

/**
 * Translate a key, filling {placeholders}.
 * @param {string} key
 * @param {Record<string, any>} [params]
 */
export function t(key, params = {}) {
  const text = STRINGS[lang][key] ?? STRINGS.id[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** Label of a reference code ({code, id, en}) in the current language. */
export function label(item) {
  return item ? item[lang] || item.id || item.code : "";
}

const locale = () => (lang === "id" ? "id-ID" : "en-GB");

/** Format a number. */
export function num(n) {
  return new Intl.NumberFormat(locale()).format(n);
}

/** Format a date and time. */
export function dateTime(ms) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

/** Format a moment briefly: the time if it is today, else a short date and time. */
export function when(ms, now = Date.now()) {
  const sameDay = new Date(ms).toDateString() === new Date(now).toDateString();
  const options = sameDay ? { timeStyle: "short" } : { dateStyle: "short", timeStyle: "short" };
  return new Intl.DateTimeFormat(locale(), options).format(ms);
}

/** Format a calendar date (YYYY-MM-DD). */
export function day(isoDate) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "full" }).format(new Date(`${isoDate}T00:00:00`));
}

/** Human age of a past moment ("3 jam"). */
export function age(ms, now = Date.now()) {
  const minutes = Math.max(0, Math.round((now - ms) / 60000));
  if (minutes < 60) return t("age.minutes", { n: minutes });
  const hours = Math.round(minutes / 60);
  return hours < 48 ? t("age.hours", { n: hours }) : t("age.days", { n: Math.round(hours / 24) });
}

/** Today as YYYY-MM-DD in the phone's zone. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
