"""Offline checks of the 12-digit personal identification number (mã định danh cá nhân).

Structure (NĐ 137/2015, TT 07/2016/TT-BCA; docs/domain.md section 6): digits 1-3 province of birth
registration, digit 4 century + sex (2000s: 2 male, 3 female), digits 5-6 last two digits of the
birth year, digits 7-12 random. There is no check digit: passing these checks does not prove the
number exists, only that it is consistent with the pupil's data.
"""

import re

from odoo.tools.translate import LazyTranslate

from .errors import RuleError

_lt = LazyTranslate(__name__, default_lang="en_US")

__all__ = [
    "PROVINCE_CODES",
    "RuleError",
    "century_gender_digit",
    "make_id",
    "normalize",
    "sex_code",
    "validate",
]

# Province/city codes of birth registration (the 63 provinces before the 2025 merger).
PROVINCE_CODES = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa – Vũng Tàu",
    "079": "TP. Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

_SEPARATORS = re.compile(r"[\s.\-‐‑‒–—]+")
_DIGITS = re.compile(r"[0-9]+")


def normalize(raw):
    """Trim and remove spaces, dots and dashes; nothing else changes. Empty input gives ''."""
    if raw is None or raw is False:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return _SEPARATORS.sub("", str(raw).strip())


def _century_start(digit):
    return 1900 + (int(digit) // 2) * 100


def validate(raw, birthdate=None, gender=None):
    """Check a personal ID offline and return it normalised.

    :param birthdate: the pupil's birth date (``date``); None skips the birth-year check
    :param gender: ``'male'`` or ``'female'``; anything else skips the sex check
    :raises RuleError: codes ``id_empty``, ``id_digits``, ``id_length``, ``id_province``,
        ``id_century``, ``id_gender``, ``id_year``
    """
    number = normalize(raw)
    if not number:
        raise RuleError(_lt("The personal ID is empty."), code="id_empty")
    if not _DIGITS.fullmatch(number):
        raise RuleError(
            _lt("The personal ID may contain only digits (got “%(value)s”).", value=number), code="id_digits"
        )
    if len(number) == 9:
        raise RuleError(
            _lt(
                "“%(value)s” has 9 digits: it looks like an old identity card (CMND) number. "
                "Enter the 12-digit personal ID instead.",
                value=number,
            ),
            code="id_length",
        )
    if len(number) != 12:
        raise RuleError(
            _lt("The personal ID must have exactly 12 digits (got %(n)s digits).", n=len(number)),
            code="id_length",
        )
    if number[:3] not in PROVINCE_CODES:
        raise RuleError(
            _lt(
                "The first three digits of the personal ID (%(code)s) are not a Vietnamese province code. "
                "If the birth was registered abroad, the number must be checked manually.",
                code=number[:3],
            ),
            code="id_province",
        )
    digit = number[3]
    if digit not in "23":
        raise RuleError(
            _lt(
                "The 4th digit of the personal ID is %(digit)s, which means a birth between %(start)s and "
                "%(end)s; primary pupils are born from 2000 on (digit 2 for a boy, 3 for a girl).",
                digit=digit,
                start=_century_start(digit),
                end=_century_start(digit) + 99,
            ),
            code="id_century",
        )
    if gender in ("male", "female"):
        id_gender = "male" if int(digit) % 2 == 0 else "female"
        if id_gender != gender:
            if gender == "male":
                message = _lt(
                    "The 4th digit of the personal ID is %(digit)s, which is for a girl, but the pupil is a boy "
                    "(expected %(expected)s).",
                    digit=digit,
                    expected=century_gender_digit(_century_start(digit), gender),
                )
            else:
                message = _lt(
                    "The 4th digit of the personal ID is %(digit)s, which is for a boy, but the pupil is a girl "
                    "(expected %(expected)s).",
                    digit=digit,
                    expected=century_gender_digit(_century_start(digit), gender),
                )
            raise RuleError(message, code="id_gender")
    if birthdate:
        id_year = _century_start(digit) + int(number[4:6])
        if id_year != birthdate.year:
            raise RuleError(
                _lt(
                    "The personal ID encodes the birth year %(id_year)s (digits 4 to 6: %(digits)s), but the "
                    "pupil was born in %(year)s.",
                    id_year=id_year,
                    digits=number[3:6],
                    year=birthdate.year,
                ),
                code="id_year",
            )
    return number


def century_gender_digit(year, gender):
    """4th digit of the ID for a birth year and sex: 1900s 0/1, 2000s 2/3, ... 2300s 8/9 (male/female)."""
    if gender not in ("male", "female"):
        raise ValueError(f"gender must be 'male' or 'female', not {gender!r}")
    if not 1900 <= year <= 2399:
        raise ValueError(f"year {year} is outside 1900-2399")
    return str((year // 100 - 19) * 2 + (1 if gender == "female" else 0))


def make_id(province_code, birthdate, gender, serial):
    """Build a structurally valid ID (demo data): province + century/sex + yy + 6-digit serial."""
    if province_code not in PROVINCE_CODES:
        raise ValueError(f"unknown province code {province_code!r}")
    if not 0 <= serial <= 999_999:
        raise ValueError(f"serial {serial} does not fit in 6 digits")
    year = birthdate.year
    return f"{province_code}{century_gender_digit(year, gender)}{year % 100:02d}{serial:06d}"


def sex_code(gender):
    """Sex code of the sector database (QCVN 109): '1' male, '2' female, '0' unknown."""
    return {"male": "1", "female": "2"}.get(gender, "0")
