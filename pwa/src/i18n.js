/**
 * Indonesian (default) and English strings, and Intl formatting for dates and numbers.
 */

const STRINGS = {
  id: {
    "app.title": "Jemput Bola",
    "app.tagline": "Catat pendampingan sensus di titik kumpul, juga tanpa sinyal.",
    "login.language": "Bahasa",
    "status.unsent": { other: "{n} belum terkirim" },
    "status.fix": { other: "{n} perlu perbaikan" },
    "status.waiting": { other: "{n} menunggu kegiatannya diperbaiki" },
    "status.offline": "Tidak ada sinyal — data aman di HP",
    "status.summary": "{sent} diterima",
    "status.summaryFix": { other: "{n} perlu perbaikan" },
    "status.openFix": "Lihat yang perlu perbaikan",
    "age.now": "baru saja",
    "count.households": { other: "{n} rumah tangga" },
    "count.records": { other: "{n} data" },
    "tally.left": "Tidak dihitung: {what}",
    "tally.voided": { other: "{n} dibatalkan" },
    "tally.rejected": { other: "{n} ditolak koordinator" },
    "tally.needsCorrection": { other: "{n} perlu perbaikan" },
    "members.range": "Isi 1 sampai 30 orang.",
    "field.invalid": "Isian tidak sah.",
    "field.tooLong": "Terlalu panjang.",
    "field.count": "{n}/{max} huruf",
    "field.over": "{n}/{max} huruf — kelebihan {extra}, mohon dipersingkat.",
    "date.invalid": "Tanggal tidak sah.",
    "date.future": "Tanggal tidak boleh setelah hari ini.",
    "date.window": "Tanggal di luar masa sensus ({from} – {to}).",
    "kk.cleaned": "Spasi, titik dan tanda hubung dihapus.",
    "kk.dropped": { other: "{n} angka terakhir dibuang: KK hanya 16 angka. Periksa lagi." },
    "kk.duplicate": "KK ini sudah dicatat di HP ini: {name}, {place}, {date}.",
    "dup.title": "KK ini sudah dicatat",
    "dup.body": "Di HP ini sudah ada rumah tangga dengan KK yang sama:",
    "dup.save": "Tetap simpan",
    "dup.cancel": "Jangan simpan",
    "dialog.cancel": "Batal",
    "assist.more_fields": "Isian lain",
    "assist.sentValues": "Isian yang dikirim ditampilkan apa adanya; perbaiki yang ditandai merah.",
    "assist.problem": "Server menolak: {message}",
    "outreach.kindLabel": "{kind} · {desa}",
    "outreach.closeConfirm": "Selesaikan kegiatan ini?",
    "outreach.closeBody": "{n} tercatat. Kegiatan yang selesai bisa dibuka lagi hari ini.",
    "outreach.closeYes": "Ya, selesaikan",
    "outreach.reopen": "Buka lagi kegiatan",
    "outreach.closedAt": "Selesai {when}.",
    "outreach.edit": "Perbaiki kegiatan",
    "outreach.update": "Simpan perbaikan",
    "outreach.refused": "Kegiatan ini ditolak server: {message}",
    "outreach.waitingHouseholds": { other: "{n} rumah tangga menunggu kegiatan ini diperbaiki." },
    "outreach.saved": "Kegiatan disimpan di HP.",
    "withdraw.title": "Batalkan data ini",
    "withdraw.outreachTitle": "Batalkan kegiatan ini",
    "withdraw.hint": "Untuk data yang salah dicatat. Dicatat di server sebagai dibatalkan (bisa tanpa sinyal).",
    "withdraw.reason": "Alasan",
    "withdraw.wrong": "Salah catat",
    "withdraw.double": "Tercatat dua kali",
    "withdraw.notHere": "Bukan warga wilayah ini",
    "withdraw.other": "Lainnya",
    "withdraw.submit": "Batalkan data",
    "withdraw.confirm": "Batalkan {what}? Ini tidak bisa diurungkan.",
    "withdraw.done": "Dibatalkan: {n}.",
    "withdraw.pick": "Pilih alasannya.",
    "records.title": "Data",
    "records.tabs": "Daftar data",
    "records.draft": "Draf",
    "records.lastUpload": "Kiriman terakhir: {sent} diterima.",
    "records.unsent": "Belum terkirim",
    "records.fix": "Perlu perbaikan",
    "records.sent": "Terkirim",
    "records.search": "Cari KK atau nama",
    "records.none": "Tidak ada data di sini.",
    "records.noMatch": 'Tidak ada yang cocok dengan "{q}".',
    "records.more": "Tampilkan lagi",
    "records.draftOf": "Draf di {place}",
    "records.draftEmpty": "(belum diisi)",
    "records.outreach": "Kegiatan",
    "state.withdrawn": "Dibatalkan di HP",
    "state.voided": "Dibatalkan",
    "settings.logoutBlocked": {
      other: "Belum bisa keluar: {n} data belum terkirim. Tekan Kirim sekarang saat ada sinyal.",
    },
    "settings.logoutFix": { other: "{n} data perlu perbaikan dan tidak bisa dikirim seperti apa adanya." },
    "settings.logoutChoices":
      "Pilihan: perbaiki atau batalkan tiap data, atau ekspor ke berkas lalu keluar (data itu terhapus dari HP, tetapi tersimpan di berkas untuk supervisor).",
    "settings.openFix": "Buka yang perlu perbaikan",
    "settings.logoutAnyway": "Keluar dan hapus dari HP",
    "settings.logoutAnywayConfirm": "Data yang perlu perbaikan sudah diekspor ke berkas. Keluar dan hapus dari HP ini?",
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
    "assist.addressMore": "Alamat untuk kunjungan (boleh kosong)",
    "assist.address": "Alamat (dusun, jalan, nomor)",
    "assist.rtRw": "RT/RW",
    "assist.rtRwHint": "Contoh 003/005",
    "rt_rw.invalid": "Tulis RT/RW dengan angka, seperti 003/005.",
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
    "records.empty": "Belum ada data.",
    "state.saved": "Tersimpan di HP",
    "state.sending": "Mengirim",
    "state.sent": "Terkirim",
    "state.rejected": "Perlu perbaikan",
    "state.waiting": "Menunggu kegiatannya diperbaiki",
    "state.conflict": "Bentrok: diubah di HP lain",
    "review.flagged": "Perlu perbaikan dari koordinator",
    "review.rejected": "Ditolak koordinator",
    "review.approved": "Disetujui",
    "settings.title": "Pengaturan",
    "settings.language": "Bahasa",
    "settings.export": "Ekspor data belum terkirim",
    "settings.exported": "{n} data diekspor ke berkas.",
    "settings.logout": "Keluar",
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
    "app.tagline": "Log census help at gathering points, with or without a signal.",
    "login.language": "Language",
    "status.unsent": { one: "{n} not sent", other: "{n} not sent" },
    "status.fix": { one: "{n} needs correction", other: "{n} need correction" },
    "status.waiting": {
      one: "{n} waits for its outreach's correction",
      other: "{n} wait for their outreach's correction",
    },
    "status.offline": "No signal — the data is safe on this phone",
    "status.summary": "{sent} accepted",
    "status.summaryFix": { one: "{n} needs correction", other: "{n} need correction" },
    "status.openFix": "See what needs correction",
    "age.now": "just now",
    "count.households": { one: "{n} household", other: "{n} households" },
    "count.records": { one: "{n} record", other: "{n} records" },
    "tally.left": "Not counted: {what}",
    "tally.voided": { one: "{n} withdrawn", other: "{n} withdrawn" },
    "tally.rejected": { one: "{n} rejected by the coordinator", other: "{n} rejected by the coordinator" },
    "tally.needsCorrection": { one: "{n} needs correction", other: "{n} need correction" },
    "members.range": "Enter 1 to 30 people.",
    "field.invalid": "Not a valid value.",
    "field.tooLong": "Too long.",
    "field.count": "{n}/{max} characters",
    "field.over": "{n}/{max} characters — {extra} too many, please shorten.",
    "date.invalid": "Not a valid date.",
    "date.future": "The date cannot be after today.",
    "date.window": "The date is outside the census period ({from} – {to}).",
    "kk.cleaned": "Spaces, dots and dashes were removed.",
    "kk.dropped": {
      one: "The last digit was dropped: a KK has 16 digits. Please check.",
      other: "The last {n} digits were dropped: a KK has 16 digits. Please check.",
    },
    "kk.duplicate": "This KK is already on this phone: {name}, {place}, {date}.",
    "dup.title": "This KK was already logged",
    "dup.body": "This phone already has a household with the same KK:",
    "dup.save": "Save anyway",
    "dup.cancel": "Do not save",
    "dialog.cancel": "Cancel",
    "assist.more_fields": "Other answers",
    "assist.sentValues": "The values as they were sent; correct those marked in red.",
    "assist.problem": "The server refused it: {message}",
    "outreach.kindLabel": "{kind} · {desa}",
    "outreach.closeConfirm": "Finish this outreach?",
    "outreach.closeBody": "{n} logged. A finished outreach can be reopened today.",
    "outreach.closeYes": "Yes, finish",
    "outreach.reopen": "Reopen the outreach",
    "outreach.closedAt": "Finished {when}.",
    "outreach.edit": "Correct the outreach",
    "outreach.update": "Save correction",
    "outreach.refused": "The server refused this outreach: {message}",
    "outreach.waitingHouseholds": {
      one: "{n} household waits for this outreach's correction.",
      other: "{n} households wait for this outreach's correction.",
    },
    "outreach.saved": "Outreach saved on the phone.",
    "withdraw.title": "Withdraw this record",
    "withdraw.outreachTitle": "Withdraw this outreach",
    "withdraw.hint": "For a record logged by mistake. The server records it as withdrawn (works without a signal).",
    "withdraw.reason": "Reason",
    "withdraw.wrong": "Logged by mistake",
    "withdraw.double": "Logged twice",
    "withdraw.notHere": "Not a resident of this area",
    "withdraw.other": "Other",
    "withdraw.submit": "Withdraw",
    "withdraw.confirm": "Withdraw {what}? This cannot be undone.",
    "withdraw.done": "Withdrawn: {n}.",
    "withdraw.pick": "Choose a reason.",
    "records.title": "Records",
    "records.tabs": "Record lists",
    "records.draft": "Drafts",
    "records.lastUpload": "Last upload: {sent} accepted.",
    "records.unsent": "Not sent",
    "records.fix": "Needs correction",
    "records.sent": "Sent",
    "records.search": "Search KK or name",
    "records.none": "Nothing here.",
    "records.noMatch": 'Nothing matches "{q}".',
    "records.more": "Show more",
    "records.draftOf": "Draft at {place}",
    "records.draftEmpty": "(empty)",
    "records.outreach": "Outreach",
    "state.withdrawn": "Withdrawn on the phone",
    "state.voided": "Withdrawn",
    "settings.logoutBlocked": {
      one: "Not yet: {n} record is not sent. Press Send now when there is a signal.",
      other: "Not yet: {n} records are not sent. Press Send now when there is a signal.",
    },
    "settings.logoutFix": {
      one: "{n} record needs correction and cannot be sent as it is.",
      other: "{n} records need correction and cannot be sent as they are.",
    },
    "settings.logoutChoices":
      "Choices: correct or withdraw each record, or export them to a file and sign out (they are removed from the phone but kept in the file for your supervisor).",
    "settings.openFix": "Open what needs correction",
    "settings.logoutAnyway": "Sign out and remove from this phone",
    "settings.logoutAnywayConfirm":
      "The records that need correction were exported to a file. Sign out and remove them from this phone?",
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
    "assist.addressMore": "Address for the visit (optional)",
    "assist.address": "Address (hamlet, street, number)",
    "assist.rtRw": "RT/RW",
    "assist.rtRwHint": "For example 003/005",
    "rt_rw.invalid": "Write RT/RW as numbers, like 003/005.",
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
    "records.empty": "No records yet.",
    "state.saved": "Saved on phone",
    "state.sending": "Sending",
    "state.sent": "Sent",
    "state.rejected": "Needs correction",
    "state.waiting": "Waiting for its outreach's correction",
    "state.conflict": "Conflict: changed on another phone",
    "review.flagged": "Coordinator asks for a correction",
    "review.rejected": "Rejected by coordinator",
    "review.approved": "Approved",
    "settings.title": "Settings",
    "settings.language": "Language",
    "settings.export": "Export unsent records",
    "settings.exported": "{n} records exported to a file.",
    "settings.logout": "Sign out",
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
    "age.days": { one: "{n} day", other: "{n} days" },
  },
};

let lang = globalThis.localStorage?.getItem("jb-lang") || "id";

/** Current language code. */
export function language() {
  return lang;
}

/** Switch language (kept on the phone). */
export function setLanguage(next) {
  lang = STRINGS[next] ? next : "id";
  globalThis.localStorage?.setItem("jb-lang", lang);
  if (globalThis.document) document.documentElement.lang = lang;
}

/** Add strings of a lazily loaded part of the app ({id: {...}, en: {...}}). */
export function addStrings(more) {
  for (const [l, strings] of Object.entries(more)) Object.assign(STRINGS[l], strings);
}

/**
 * Translate a key, filling {placeholders}. A string with plural forms ({one, other, …}) picks its form for
 * params.n by the language's plural rules, and the number is written the language's way.
 * @param {string} key
 * @param {Record<string, any>} [params]
 */
export function t(key, params = {}) {
  let text = STRINGS[lang][key] ?? STRINGS.id[key] ?? key;
  const values = { ...params };
  if (typeof text === "object") {
    const form = new Intl.PluralRules(locale()).select(Number(params.n));
    text = text[form] ?? text.other;
    values.n = num(params.n);
  }
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
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

/** Format a calendar date (YYYY-MM-DD) briefly ("3 Des 2026"). */
export function shortDay(isoDate) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(new Date(`${isoDate}T00:00:00`));
}

/** Human age of a past moment ("3 jam"). */
export function age(ms, now = Date.now()) {
  const minutes = Math.max(0, Math.round((now - ms) / 60000));
  if (minutes < 1) return t("age.now");
  if (minutes < 60) return t("age.minutes", { n: minutes });
  const hours = Math.round(minutes / 60);
  return hours < 48 ? t("age.hours", { n: hours }) : t("age.days", { n: Math.round(hours / 24) });
}

/** Today as YYYY-MM-DD in the phone's zone. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
