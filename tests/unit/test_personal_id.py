"""Offline checks of the 12-digit personal ID (docs/domain.md section 6)."""

import datetime

import pytest

from odoo.addons.hocbaso_core.tools import personal_id
from odoo.addons.hocbaso_core.tools.errors import RuleError

BORN_2015 = datetime.date(2015, 3, 14)


# ---- the examples of domain.md for a pupil born in 2015 in Hải Phòng ---------------------------

def test_domain_example_valid_boy():
    assert personal_id.validate("031215004321", BORN_2015, "male") == "031215004321"


def test_domain_example_valid_girl():
    assert personal_id.validate("031315004321", BORN_2015, "female") == "031315004321"


def test_domain_example_girl_id_invalid_for_boy():
    with pytest.raises(RuleError) as info:
        personal_id.validate("031315004321", BORN_2015, "male")
    assert info.value.code == "id_gender"
    assert "(expected 2)" in str(info.value)


def test_domain_example_wrong_year():
    with pytest.raises(RuleError) as info:
        personal_id.validate("031214004321", BORN_2015, "male")
    assert info.value.code == "id_year"
    assert str(info.value) == (
        "The personal ID encodes the birth year 2014 (digits 4 to 6: 214), but the pupil was born in 2015."
    )


def test_domain_example_wrong_century():
    with pytest.raises(RuleError) as info:
        personal_id.validate("031015004321", BORN_2015, "male")
    assert info.value.code == "id_century"
    assert "between 1900 and 1999" in str(info.value)


# ---- each rule --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 031215004321 ", "031215004321"),
        ("031 215 004 321", "031215004321"),
        ("031.215.004.321", "031215004321"),
        ("031-215-004321", "031215004321"),
        ("031–215–004321", "031215004321"),
        ("0312\t15004321", "031215004321"),
        ("O31215004321", "O31215004321"),  # letter O is not changed into zero
        (None, ""),
        (False, ""),
        (31215004321, "31215004321"),  # a number lost its leading zero: normalize does not guess
        (31215004321.0, "31215004321"),
    ],
)
def test_normalize(raw, expected):
    assert personal_id.normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "fragment"),
    [
        ("", "id_empty", "empty"),
        ("   ", "id_empty", "empty"),
        (None, "id_empty", "empty"),
        ("O31215004321", "id_digits", "only digits"),
        ("03121500432A", "id_digits", "only digits"),
        ("031215004321²", "id_digits", "only digits"),
        ("031215004", "id_length", "CMND"),
        ("31215004321", "id_length", "got 11 digits"),
        ("0312150043210", "id_length", "got 13 digits"),
        ("003215004321", "id_province", "registered abroad"),
        ("097215004321", "id_province", "(097)"),
        ("704215004321", "id_province", "(704)"),
        ("031415004321", "id_century", "between 2100 and 2199"),
        ("031115004321", "id_century", "between 1900 and 1999"),
    ],
)
def test_validate_rejects(raw, code, fragment):
    with pytest.raises(RuleError) as info:
        personal_id.validate(raw)
    assert info.value.code == code
    assert fragment in str(info.value)


def test_length_message_is_precise():
    with pytest.raises(RuleError) as info:
        personal_id.validate("0312150043")
    assert str(info.value) == "The personal ID must have exactly 12 digits (got 10 digits)."


def test_girl_with_boy_digit():
    with pytest.raises(RuleError) as info:
        personal_id.validate("031215004321", BORN_2015, "female")
    assert info.value.code == "id_gender"
    assert "pupil is a girl (expected 3)" in str(info.value)


def test_checks_are_skipped_without_birthdate_or_gender():
    assert personal_id.validate("031214004321") == "031214004321"
    assert personal_id.validate("031315004321", gender=None, birthdate=None) == "031315004321"
    assert personal_id.validate("031315004321", BORN_2015, gender="other") == "031315004321"
    assert personal_id.validate("031214004321", gender="male") == "031214004321"


def test_datetime_birthdate_is_accepted():
    assert personal_id.validate("079320000001", datetime.datetime(2020, 1, 1, 7, 30), "female") == "079320000001"


def test_province_codes():
    assert len(personal_id.PROVINCE_CODES) == 63
    assert personal_id.PROVINCE_CODES["031"] == "Hải Phòng"
    assert personal_id.PROVINCE_CODES["001"] == "Hà Nội"
    assert personal_id.PROVINCE_CODES["079"] == "TP. Hồ Chí Minh"
    assert personal_id.PROVINCE_CODES["096"] == "Cà Mau"
    assert all(len(code) == 3 and code.isdigit() for code in personal_id.PROVINCE_CODES)
    for code in ("003", "005", "097", "099"):
        assert code not in personal_id.PROVINCE_CODES


@pytest.mark.parametrize(
    ("year", "gender", "digit"),
    [(1999, "male", "0"), (1999, "female", "1"), (2015, "male", "2"), (2019, "female", "3"), (2100, "male", "4"),
     (2399, "female", "9")],
)
def test_century_gender_digit(year, gender, digit):
    assert personal_id.century_gender_digit(year, gender) == digit


def test_century_gender_digit_rejects_bad_input():
    with pytest.raises(ValueError):
        personal_id.century_gender_digit(2015, "unknown")
    with pytest.raises(ValueError):
        personal_id.century_gender_digit(1899, "male")


def test_make_id_round_trips_through_validate():
    for gender in ("male", "female"):
        for province in ("001", "031", "096"):
            birthdate = datetime.date(2018, 6, 1)
            number = personal_id.make_id(province, birthdate, gender, 4321)
            assert len(number) == 12
            assert personal_id.validate(number, birthdate, gender) == number
    assert personal_id.make_id("031", BORN_2015, "male", 4321) == "031215004321"
    assert personal_id.make_id("031", BORN_2015, "female", 4321) == "031315004321"


def test_make_id_rejects_bad_input():
    with pytest.raises(ValueError):
        personal_id.make_id("003", BORN_2015, "male", 1)
    with pytest.raises(ValueError):
        personal_id.make_id("031", BORN_2015, "male", 1_000_000)


def test_sex_code():
    assert personal_id.sex_code("male") == "1"
    assert personal_id.sex_code("female") == "2"
    assert personal_id.sex_code(False) == "0"
    assert personal_id.sex_code("other") == "0"
