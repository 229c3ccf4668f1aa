"""Print what `make run` starts: the URL and the demo logins."""

import sys

from server.services.demo import DEMO_PASSWORD

LOGINS = [
    ("admin", "Admin (the whole country)"),
    ("prov.jatim", "Supervisor Provinsi Jawa Timur (Jember ranks first)"),
    ("prov.ntt", "Supervisor Provinsi Nusa Tenggara Timur (TTU second after Flores Timur)"),
    ("sup.jember", "Supervisor Kabupaten Jember"),
    ("sup.ttu", "Supervisor Kabupaten Timor Tengah Utara"),
    ("kor.kaliwates", "Koordinator Kecamatan Kaliwates (Jember)"),
    ("ptg.kaliwates.1", "Petugas, desa group 1 of Kaliwates"),
    ("ptg.jelbuk.1", "Petugas, desa group 1 of Jelbuk"),
]


def main(url):
    """Print the banner."""
    print(f"\n  Jemput Bola is starting on {url}\n\n  Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, what in LOGINS:
        print(f"    {username:<18} {what}")
    print("  Every kecamatan has kor.<kecamatan>, every desa group ptg.<kecamatan>.<n>.\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
