"""Draw the app icons (a white ball on blue) as PNG without any imaging library: `python3 scripts/make_icons.py`."""

import struct
import zlib
from pathlib import Path

BLUE, WHITE, GOLD = (11, 83, 148), (255, 255, 255), (241, 162, 0)


def png(size, pixel):
    """Encode a size×size RGB image whose pixels come from pixel(x, y)."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def ball(size, radius_share):
    """A ball with a gold seam, centred; the share keeps it inside the maskable safe zone when asked."""
    c, r = size / 2, size * radius_share

    def pixel(x, y):
        d = ((x - c) ** 2 + (y - c) ** 2) ** 0.5
        if d > r:
            return BLUE
        return GOLD if abs(y - c) < size * 0.025 or abs(d - r * 0.55) < size * 0.02 else WHITE

    return png(size, pixel)


out = Path(__file__).resolve().parent.parent / "public" / "icons"
out.mkdir(parents=True, exist_ok=True)
(out / "icon-192.png").write_bytes(ball(192, 0.36))
(out / "icon-512.png").write_bytes(ball(512, 0.36))
(out / "icon-512-maskable.png").write_bytes(ball(512, 0.28))
