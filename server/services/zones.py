"""Indonesia's three time zones, by provinsi: the local time an office reads its records in.

A provinsi lies in one zone (Kemendagri codes; Keppres 41/1987, provinsi made since then
keep their parent's zone): WIB (UTC+7) for Sumatra, Java,
West and Central Kalimantan; WITA (UTC+8) for Bali, Nusa Tenggara, the rest of Kalimantan and Sulawesi; WIT
(UTC+9) for Maluku and Papua. Exports write times in the zone of each record's desa, with the zone named.
"""

from datetime import timedelta, timezone

# The zone's name and its offset from UTC in hours.
WIB, WITA, WIT = ("WIB", 7), ("WITA", 8), ("WIT", 9)
_WITA = ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76")
_WIT = ("81", "82", "91", "92", "93", "94", "95", "96")


def zone_of(area_code):
    """Return (name, hours east of UTC) of the zone an area lies in, from its provinsi code."""
    provinsi = (area_code or "")[:2]
    if provinsi in _WITA:
        return WITA
    if provinsi in _WIT:
        return WIT
    return WIB


def tzinfo_of(area_code):
    """Return the fixed-offset tzinfo of the zone an area lies in (Indonesia keeps no summer time)."""
    name, hours = zone_of(area_code)
    return timezone(timedelta(hours=hours), name)


def provinsi_by_zone():
    """Return {zone name: provinsi codes} for the zones other than WIB (WIB is every other provinsi)."""
    return {WITA[0]: _WITA, WIT[0]: _WIT}
