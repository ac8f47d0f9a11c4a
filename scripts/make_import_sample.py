"""Generate the sample "C1-HocSinh" pupil lists shipped in hocbaso_core/static/sample/.

* c1_hocsinh_mau.xlsx: 12 grade-1 pupils (classes 1A, 1B, school year 2025-2026) with one deliberate
  mistake: Excel row 11 (pupil 9, Ngô Bảo Ngọc, a girl) has a personal ID whose 4th digit says "boy",
  so importing it reports exactly one row error;
* c1_hocsinh_hople.xlsx: the same list with that ID fixed (imports without errors).

The output is byte-for-byte deterministic (fixed document dates and zip timestamps).
Run: .build/venv/bin/python scripts/make_import_sample.py
"""

import datetime
import io
import os
import sys
import zipfile

import openpyxl
from openpyxl.styles import Alignment, Font

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "hocbaso_core", "static", "sample")
FIXED = datetime.datetime(2025, 9, 5, 8, 0, 0)

HEADER = [
    "Mã lớp",
    "Mã học sinh",
    "Họ tên",
    "Ngày sinh",
    "Giới tính",
    "Trạng thái HS",
    "Ngày nhập trạng thái",
    "Dân tộc",
    "Loại khuyết tật",
    "Số định danh cá nhân",
]

# (class, pupil code, name, birth date, sex, personal ID); all born 2019 in Hải Phòng (031).
PUPILS = [
    ("1A", "3125100001", "Nguyễn Minh Anh", "12/01/2019", "Nữ", "031319000101"),
    ("1A", "3125100002", "Trần Đức Bảo", "03/03/2019", "Nam", "031219000102"),
    ("1A", "3125100003", "Lê Hoàng Gia Huy", "27/05/2019", "Nam", "031219000103"),
    ("1A", "3125100004", "Phạm Ngọc Diệp", "09/07/2019", "Nữ", "031319000104"),
    ("1A", "3125100005", "Vũ Thành Đạt", "18/08/2019", "Nam", "031219000105"),
    ("1A", "3125100006", "Đặng Thu Hà", "30/10/2019", "Nữ", "031319000106"),
    ("1B", "3125100007", "Bùi Quốc Khánh", "02/09/2019", "Nam", "031219000107"),
    ("1B", "3125100008", "Hoàng Khánh Linh", "14/02/2019", "Nữ", "031319000108"),
    ("1B", "3125100009", "Ngô Bảo Ngọc", "21/04/2019", "Nữ", "031319000109"),
    ("1B", "3125100010", "Đỗ Trọng Phúc", "06/06/2019", "Nam", "031219000110"),
    ("1B", "3125100011", "Dương Phương Thảo", "25/11/2019", "Nữ", "031319000111"),
    ("1B", "3125100012", "Lý Tuấn Kiệt", "19/12/2019", "Nam", "031219000112"),
]
# The deliberate mistake of the "mau" file: Ngô Bảo Ngọc (a girl) with digit 2 (boy).
BAD_CODE = "3125100009"
BAD_ID = "031219000109"

STATUSES = [
    ("Đang học", "dang_hoc"),
    ("Chuyển đến", "chuyen_den"),
    ("Chuyển đi", "chuyen_di"),
    ("Thôi học", "thoi_hoc"),
    ("Nghỉ học xin học lại", "hoc_lai"),
    ("Bảo lưu", "bao_luu"),
    ("Tạm nghỉ", "tam_nghi"),
    ("Lưu ban", "luu_ban"),
]


def build(with_error):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "C1-HocSinh"
    ws.append(["DANH SÁCH HỌC SINH - NĂM HỌC 2025-2026 - TRƯỜNG TIỂU HỌC MẪU (HẢI PHÒNG)"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(HEADER)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for class_code, code, name, birthdate, sex, personal_id in PUPILS:
        if with_error and code == BAD_CODE:
            personal_id = BAD_ID
        ws.append([class_code, code, name, birthdate, sex, "Đang học", "05/09/2025", "Kinh", "", personal_id])
    # text cells, as in the sector export (keeps the leading zeros of the IDs)
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.number_format = "@"
    for letter, width in zip("ABCDEFGHIJ", (8, 14, 26, 12, 10, 14, 14, 10, 14, 20), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"

    codes = wb.create_sheet("DM_TrangThai")
    codes.append(["Trạng thái HS", "Mã"])
    for label, code in STATUSES:
        codes.append([label, code])

    wb.properties.creator = "Học bạ số"
    wb.properties.lastModifiedBy = "Học bạ số"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    return wb


def deterministic_bytes(wb):
    """Save and re-pack the zip with fixed timestamps so that the output never changes."""
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for filename, with_error in (("c1_hocsinh_mau.xlsx", True), ("c1_hocsinh_hople.xlsx", False)):
        path = os.path.join(OUT_DIR, filename)
        with open(path, "wb") as fh:
            fh.write(deterministic_bytes(build(with_error)))
        print(f"wrote {os.path.relpath(path, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
