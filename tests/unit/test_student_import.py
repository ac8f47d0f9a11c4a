"""Import of the sector-database pupil list "C1-HocSinh" (docs/domain.md section 7.1)."""

import datetime
import io
import os
import unicodedata
import zipfile

import openpyxl
import pytest

from odoo.addons.hocbaso_core.tools import personal_id, student_import
from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.addons.hocbaso_core.tools.student_import import COLUMNS, parse_workbook

SAMPLE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "hocbaso_core", "static", "sample")
HEADER = list(COLUMNS.values())
ID_COL = "Số định danh cá nhân"


def good_row(**overrides):
    values = {
        "Mã lớp": "3A",
        "Mã học sinh": "HS001",
        "Họ tên": "Nguyễn Văn An",
        "Ngày sinh": "15/04/2017",
        "Giới tính": "Nam",
        "Trạng thái HS": "Đang học",
        "Ngày nhập trạng thái": "05/09/2025",
        "Dân tộc": "Kinh",
        "Loại khuyết tật": "",
        ID_COL: "031217000123",
    }
    values.update(overrides)
    return [values[label] for label in HEADER]


def workbook_bytes(rows, header=None, title="C1-HocSinh", lead_rows=(), extra_sheets=()):
    """An .xlsx in memory: code-list sheets first if given, then the pupil sheet."""
    wb = openpyxl.Workbook()
    first = wb.active
    sheets = []
    for name, content in extra_sheets:
        ws = first if not sheets else wb.create_sheet(name)
        ws.title = name
        for line in content:
            ws.append(line)
        sheets.append(ws)
    ws = wb.create_sheet(title) if sheets else first
    ws.title = title
    for line in lead_rows:
        ws.append(line)
    ws.append(HEADER if header is None else header)
    for line in rows:
        ws.append(line)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_sample(name):
    with open(os.path.join(SAMPLE_DIR, name), "rb") as fh:
        return fh.read()


def codes_of(result):
    return [(error.row, error.column) for error in result.errors]


# ---- shipped samples --------------------------------------------------------------------------

def test_sample_with_one_deliberate_error():
    result = parse_workbook(read_sample("c1_hocsinh_mau.xlsx"))
    assert result.sheet == "C1-HocSinh" and result.header_row == 2
    assert len(result.rows) == 12
    assert not result.ok
    assert codes_of(result) == [(11, ID_COL)]
    assert "is for a boy, but the pupil is a girl" in result.errors[0].message
    bad = next(row for row in result.rows if row["row"] == 11)
    assert bad["name"] == "Ngô Bảo Ngọc" and bad["gender"] == "female"
    assert bad["personal_id"] is False and bad["personal_id_raw"] == "031219000109"
    assert bad["valid"] is False
    assert len(result.valid_rows) == 11


def test_valid_sample_imports_cleanly():
    result = parse_workbook(read_sample("c1_hocsinh_hople.xlsx"))
    assert result.ok and result.errors == []
    assert [row["row"] for row in result.rows] == list(range(3, 15))
    assert {row["class_code"] for row in result.rows} == {"1A", "1B"}
    assert sum(row["class_code"] == "1A" for row in result.rows) == 6
    for row in result.rows:
        assert row["grade"] == 1
        assert row["birthdate"].year == 2019
        assert row["gender"] in ("male", "female")
        assert row["status"] == "dang_hoc" and row["status_date"] == datetime.date(2025, 9, 5)
        assert row["ethnicity"] == "Kinh" and row["disability"] == ""
        assert row["personal_id"].startswith("031")
        assert personal_id.validate(row["personal_id"], row["birthdate"], row["gender"]) == row["personal_id"]
        assert unicodedata.is_normalized("NFC", row["name"])
        assert row["valid"] is True
    first = result.rows[0]
    assert first["name"] == "Nguyễn Minh Anh" and first["student_code"] == "3125100001"
    assert first["birthdate"] == datetime.date(2019, 1, 12)
    assert len({row["student_code"] for row in result.rows}) == 12


def test_samples_have_a_status_code_list_sheet():
    wb = openpyxl.load_workbook(io.BytesIO(read_sample("c1_hocsinh_mau.xlsx")))
    assert wb.sheetnames == ["C1-HocSinh", "DM_TrangThai"]
    labels = [row[0] for row in wb["DM_TrangThai"].iter_rows(min_row=2, values_only=True)]
    assert labels == list(student_import.STATUS_CODES)


# ---- locating the header ----------------------------------------------------------------------

def test_header_on_first_row_and_values():
    result = parse_workbook(workbook_bytes([good_row()]))
    assert result.ok and result.header_row == 1
    assert result.rows == [
        {
            "row": 2,
            "class_code": "3A",
            "grade": 3,
            "student_code": "HS001",
            "name": "Nguyễn Văn An",
            "birthdate": datetime.date(2017, 4, 15),
            "gender": "male",
            "status": "dang_hoc",
            "status_date": datetime.date(2025, 9, 5),
            "ethnicity": "Kinh",
            "disability": "",
            "personal_id": "031217000123",
            "personal_id_raw": "031217000123",
            "valid": True,
        }
    ]


def test_header_matching_ignores_case_spacing_and_diacritics():
    header = ["  MÃ LỚP ", "ma hoc sinh", "Họ  tên", "NGAY SINH", "giới tính"]
    result = parse_workbook(workbook_bytes([["2B", "X1", "Trần Thị Bình", "01/02/2018", "Nữ"]], header=header))
    assert result.ok
    row = result.rows[0]
    assert (row["grade"], row["gender"], row["personal_id"], row["status"]) == (2, "female", False, False)
    assert row["ethnicity"] == "" and row["status_date"] is False


def test_header_found_below_title_rows_and_columns_in_any_order():
    header = list(reversed(HEADER))
    data = workbook_bytes(
        [list(reversed(good_row()))], header=header, lead_rows=[["Danh sách học sinh"], [], ["Năm học 2025-2026"]]
    )
    result = parse_workbook(data)
    assert result.ok and result.header_row == 4
    assert result.rows[0]["row"] == 5 and result.rows[0]["name"] == "Nguyễn Văn An"


def test_header_beyond_row_10_is_not_found():
    data = workbook_bytes([good_row()], lead_rows=[["title"]] * 10)
    with pytest.raises(RuleError) as info:
        parse_workbook(data)
    assert info.value.code == "import_header"
    assert "first 10 rows" in str(info.value)


def test_missing_required_columns_are_listed():
    header = ["Mã lớp", "Họ tên", "Ngày sinh", "Dân tộc"]
    with pytest.raises(RuleError) as info:
        parse_workbook(workbook_bytes([["1A", "An", "01/01/2019", "Kinh"]], header=header))
    assert info.value.code == "import_header"
    assert str(info.value) == (
        "The header row (sheet “C1-HocSinh”, row 1) lacks the required columns: Mã học sinh, Giới tính."
    )


def test_pupil_sheet_is_preferred_over_code_lists():
    code_list = ("DM_DanToc", [["Mã lớp", "Mã học sinh", "Họ tên", "Ngày sinh", "Giới tính"], ["x", "y", "z", "w", "v"]])
    result = parse_workbook(workbook_bytes([good_row()], extra_sheets=[code_list]))
    assert result.sheet == "C1-HocSinh" and result.ok and len(result.rows) == 1


def test_header_found_on_another_sheet_with_any_name():
    code_list = ("DM_TrangThai", [["Trạng thái HS"], ["Đang học"]])
    result = parse_workbook(workbook_bytes([good_row()], title="Sheet2", extra_sheets=[code_list]))
    assert result.sheet == "Sheet2" and result.ok


# ---- unreadable files -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "data",
    [b"", b"Ma lop;Ma hoc sinh\n1A;1\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100],
    ids=["empty", "csv", "old-xls"],
)
def test_unreadable_file(data):
    with pytest.raises(RuleError) as info:
        parse_workbook(data)
    assert info.value.code == "import_file"


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(RuleError) as info:
        parse_workbook(buffer.getvalue())
    assert info.value.code == "import_file"


# ---- per-row errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["Mã lớp", "Mã học sinh", "Họ tên", "Ngày sinh", "Giới tính"])
def test_required_values(label):
    result = parse_workbook(workbook_bytes([good_row(**{label: None, ID_COL: ""})]))
    assert codes_of(result) == [(2, label)]
    assert result.errors[0].message == f"{label} is required."
    assert result.rows[0]["valid"] is False


def test_real_excel_dates():
    row = good_row(**{"Ngày sinh": datetime.datetime(2017, 4, 15), "Ngày nhập trạng thái": datetime.date(2025, 9, 5)})
    result = parse_workbook(workbook_bytes([row]))
    assert result.ok
    assert result.rows[0]["birthdate"] == datetime.date(2017, 4, 15)
    assert result.rows[0]["status_date"] == datetime.date(2025, 9, 5)


@pytest.mark.parametrize("value", ["5/4/2017", "05-04-2017", "05.04.2017", " 05/04/2017 "])
def test_date_variants(value):
    result = parse_workbook(workbook_bytes([good_row(**{"Ngày sinh": value})]))
    assert result.ok and result.rows[0]["birthdate"] == datetime.date(2017, 4, 5)


@pytest.mark.parametrize("value", ["31/02/2017", "2017-04-15", "15/04/17", "abc", 42840])
def test_invalid_birthdate(value):
    result = parse_workbook(workbook_bytes([good_row(**{"Ngày sinh": value})]))
    # the ID is still checked, without the year rule since the birth date is unknown
    assert codes_of(result) == [(2, "Ngày sinh")]
    assert "is not a valid date: write it as dd/mm/yyyy" in result.errors[0].message
    assert result.rows[0]["birthdate"] is False


def test_invalid_status_date():
    result = parse_workbook(workbook_bytes([good_row(**{"Ngày nhập trạng thái": "hôm qua"})]))
    assert codes_of(result) == [(2, "Ngày nhập trạng thái")]
    assert result.rows[0]["status_date"] is False


@pytest.mark.parametrize(
    ("class_code", "grade"), [("3A", 3), ("5B1", 5), ("1a", 1), (" 4C ", 4), ("A3", False), ("6A", False), ("10A", False)]
)
def test_grade_from_class_code(class_code, grade):
    result = parse_workbook(workbook_bytes([good_row(**{"Mã lớp": class_code, ID_COL: ""})]))
    assert result.rows[0]["grade"] == grade
    if grade:
        assert result.ok
    else:
        assert codes_of(result) == [(2, "Mã lớp")]
        assert "must start with the grade (1 to 5)" in result.errors[0].message


@pytest.mark.parametrize(
    ("value", "gender"),
    [("Nam", "male"), ("nam", "male"), ("1", "male"), (1, "male"), ("Nữ", "female"), ("nu", "female"), ("NỮ", "female"),
     ("2", "female"), (2, "female")],
)
def test_gender_values(value, gender):
    result = parse_workbook(workbook_bytes([good_row(**{"Giới tính": value, ID_COL: ""})]))
    assert result.ok and result.rows[0]["gender"] == gender


def test_invalid_gender():
    result = parse_workbook(workbook_bytes([good_row(**{"Giới tính": "X"})]))
    assert codes_of(result) == [(2, "Giới tính")]
    assert result.errors[0].message == "“X” is not a valid sex: write Nam or Nữ."


@pytest.mark.parametrize(
    ("label", "code"),
    [("Đang học", "dang_hoc"), ("chuyển đến", "chuyen_den"), ("CHUYỂN ĐI", "chuyen_di"), ("Thôi học", "thoi_hoc"),
     ("Nghỉ học xin học lại", "hoc_lai"), ("Bảo lưu", "bao_luu"), ("Tạm nghỉ", "tam_nghi"), (" Lưu ban ", "luu_ban"),
     ("", False), (None, False)],
)
def test_status_values(label, code):
    result = parse_workbook(workbook_bytes([good_row(**{"Trạng thái HS": label})]))
    assert result.ok and result.rows[0]["status"] == code


def test_unknown_status():
    result = parse_workbook(workbook_bytes([good_row(**{"Trạng thái HS": "Nghỉ hè"})]))
    assert codes_of(result) == [(2, "Trạng thái HS")]
    assert "Unknown pupil status “Nghỉ hè”" in result.errors[0].message
    assert result.rows[0]["status"] is False


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("031317000123", "is for a girl, but the pupil is a boy"),
        ("031216000123", "encodes the birth year 2016"),
        ("123456789", "CMND"),
        ("03121700012X", "only digits"),
        ("999217000123", "registered abroad"),
    ],
)
def test_personal_id_checked_against_the_row(value, fragment):
    result = parse_workbook(workbook_bytes([good_row(**{ID_COL: value})]))
    assert codes_of(result) == [(2, ID_COL)]
    assert fragment in result.errors[0].message
    assert result.rows[0]["personal_id"] is False


def test_personal_id_formats():
    rows = [
        good_row(**{"Mã học sinh": "A", ID_COL: "031 217 000 123"}),
        good_row(**{"Mã học sinh": "B", ID_COL: 31217000124}),  # numeric cell: leading zero restored
        good_row(**{"Mã học sinh": "C", ID_COL: None}),
        good_row(**{"Mã học sinh": "D", ID_COL: "  "}),
    ]
    result = parse_workbook(workbook_bytes(rows))
    assert result.ok
    assert [row["personal_id"] for row in result.rows] == ["031217000123", "031217000124", False, False]


def test_duplicates_report_every_row():
    rows = [
        good_row(**{"Mã học sinh": "HS1", ID_COL: "031217000001"}),
        good_row(**{"Mã học sinh": "HS2", ID_COL: "031217000002"}),
        good_row(**{"Mã học sinh": "HS1", ID_COL: "031217000003"}),
        good_row(**{"Mã học sinh": "HS4", ID_COL: "031 217 000 002"}),
    ]
    result = parse_workbook(workbook_bytes(rows))
    assert codes_of(result) == [(2, "Mã học sinh"), (3, ID_COL), (4, "Mã học sinh"), (5, ID_COL)]
    messages = {(error.row, error.column): error.message for error in result.errors}
    assert messages[(2, "Mã học sinh")] == (
        "The pupil code HS1 appears more than once in the file (also in row(s) 4)."
    )
    assert messages[(5, ID_COL)] == (
        "The personal ID 031217000002 appears more than once in the file (also in row(s) 3)."
    )
    assert [row["valid"] for row in result.rows] == [False, False, False, False]


def test_errors_are_collected_not_raised_and_sorted():
    rows = [
        good_row(**{"Mã lớp": "", "Giới tính": "?", "Ngày sinh": "x"}),
        good_row(**{"Mã học sinh": "HS2"}),
        [None] * len(HEADER),  # blank line: skipped
        good_row(**{"Mã học sinh": "HS3", "Họ tên": "  Lê   Thị   Cúc  ", "Mã lớp": "5B", ID_COL: ""}),
    ]
    result = parse_workbook(workbook_bytes(rows))
    # rows 2 and 3 share the default personal ID: both are reported
    assert codes_of(result) == [(2, "Mã lớp"), (2, "Ngày sinh"), (2, "Giới tính"), (2, ID_COL), (3, ID_COL)]
    assert [row["row"] for row in result.rows] == [2, 3, 5]
    assert result.rows[2]["name"] == "Lê Thị Cúc" and result.rows[2]["grade"] == 5
    assert [row["valid"] for row in result.rows] == [False, False, True]
    assert sorted(result.errors_by_row()) == [2, 3]


def test_messages_in_a_given_language():
    result = parse_workbook(workbook_bytes([good_row(**{"Giới tính": "X"})]), lang="vi_VN")
    # no vi.po yet: the English source is used, but the message is a plain str either way
    assert isinstance(result.errors[0].message, str) and "Nam" in result.errors[0].message
