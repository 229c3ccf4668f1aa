"""KK/NIK structure rules (scenario 24) and phone numbers, checked without a database."""

import pytest
from flask import Flask

from server.services.identity import check_identity_number, normalize_phone
from tests.factories import kk


@pytest.fixture(autouse=True)
def request_ctx():
    """Messages pick their language from the request; use an Indonesian one."""
    with Flask(__name__).test_request_context(headers={"Accept-Language": "id"}):
        yield


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("350919010190001", "15 digits"),
        ("35091901019000001", "17 digits"),
        ("3509190101900A01", "a letter"),
        ("3509 19010190001", "a space"),
        ("٣٥٠٩١٩٠١٠١٩٠٠٠٠١", "Arabic-Indic digits"),
        ("３５０９１９０１０１９０００１", "full-width digits"),
        (kk(month=13), "month 13"),
        (kk(day=31, month=2), "31 February"),
        (kk(day=29, month=2, year=99), "29 February 1999"),
        (kk(day=0), "day 0"),
        (kk(serial=0), "serial 0000"),
        (3509190101900001, "a number, not a string"),
        (None, "nothing"),
    ],
)
@pytest.mark.parametrize("kind", ["kk", "nik"])
def test_invalid_numbers_are_errors(value, reason, kind):
    result = check_identity_number(value, kind)
    assert result.errors, reason


@pytest.mark.parametrize("kind", ["kk", "nik"])
def test_valid_number(kind):
    result = check_identity_number(kk(), kind, expected_district="35.09.19")
    assert (result.errors, result.warnings, result.district_code) == ([], [], "35.09.19")


def test_women_day_plus_40_accepted():
    assert check_identity_number(kk(day=41), "nik").errors == []
    assert check_identity_number(kk(day=29 + 40, month=2, year=0), "nik").errors == []
    assert check_identity_number(kk(day=72), "nik").errors  # 32 + 40


@pytest.mark.parametrize("region", ["530308", "990101", "350000"])
def test_foreign_or_unknown_region_is_only_a_warning(region):
    result = check_identity_number(kk(region=region), "nik", expected_district="35.09.19")
    assert result.errors == [] and len(result.warnings) == 1


def test_messages_are_clear_and_localized():
    result = check_identity_number("123", "kk")
    assert "16 angka" in result.errors[0]
    with Flask(__name__).test_request_context(headers={"Accept-Language": "en"}):
        assert "16 digits" in check_identity_number("123", "kk").errors[0]


@pytest.mark.parametrize(
    ("value", "e164"),
    [("0812-3456-7890", "+6281234567890"), ("+62 812 3456 7890", "+6281234567890"), ("(0331) 487 123", "+62331487123")],
)
def test_phone_normalized(value, e164):
    assert normalize_phone(value) == (e164, None)


@pytest.mark.parametrize("value", ["12345", "0812", "+1 202 555 0100", "08123456789012345"])
def test_bad_phone(value):
    number, error = normalize_phone(value)
    assert number is None and "contoh" in error
