"""What the sync service checks of a parsed mutation once the database is known: region warnings, clocks."""

from datetime import UTC, datetime, timedelta

from server.services.identity import check_identity_number

# Earliest plausible phone time: anything before is a reset clock (e.g. 2000-01-01).
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def region_warnings(item, kecamatan_code):
    """Add the KK-region warning once the outreach (and so the kecamatan) is known."""
    if item.kk_region != kecamatan_code:
        check = check_identity_number(item.data["kk_number"], "kk", expected_district=kecamatan_code)
        if check.warnings:
            item.warnings["kk_number"] = check.warnings


def clock_suspect(item, now, skew_s, max_skew):
    """Return whether the phone's clock looks wrong for this item (future, reset, or skewed on send)."""
    if skew_s is not None and abs(skew_s) > max_skew:
        return True
    t = item.device_time
    return t is not None and (t > now + timedelta(seconds=max_skew) or t < _EPOCH)
