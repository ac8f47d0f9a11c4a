"""Export the signing progress of a school year to an xlsx workbook for the steering committee.

The workbook is a document handed to the committee, so its sheet names and headers are in Vietnamese (not
translated). Figures come from the ``hocbaso.progress`` / ``hocbaso.progress.teacher`` views read with the
user's rights (the school's record rules apply), the ID-problem list from the pupils of the same classes.
"""

import base64
import io
from collections import defaultdict

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from odoo import _, api, fields, models
from odoo.exceptions import UserError

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_SUMMARY = "Tổng hợp"
SHEET_CLASSES = "Theo lớp"
SHEET_TEACHERS = "Theo giáo viên"
SHEET_IDS = "Lỗi định danh"
PAGE_STATES = [
    ("pages_draft", "Đang nhập liệu"),
    ("pages_ready", "Sẵn sàng ký"),
    ("pages_homeroom_signed", "GVCN đã ký"),
    ("pages_checked", "Đã kiểm tra"),
    ("pages_principal_signed", "Hiệu trưởng đã ký"),
    ("pages_issued", "Đã phát hành"),
]
ID_STATES_VI = {
    "unchecked": "Chưa kiểm tra",
    "valid_format": "Đúng định dạng",
    "matched": "Đã khớp",
    "mismatch": "Không khớp",
    "not_found": "Không tìm thấy",
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
LATE_FONT = Font(bold=True, color="C00000")


def _rate(part, whole):
    return round(100.0 * part / whole, 1) if whole else 0.0


def _date_vi(value):
    return value.strftime("%d/%m/%Y") if value else ""


class HocbasoProgressExport(models.TransientModel):
    _name = "hocbaso.progress.export"
    _description = "Export the signing progress to Excel"

    school_year_id = fields.Many2one(
        "hocbaso.school.year", "School year", required=True, default=lambda self: self._default_school_year(),
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    file_data = fields.Binary("Excel file", readonly=True, attachment=True)
    file_name = fields.Char("File name", readonly=True)

    @api.model
    def _default_school_year(self):
        return self.env["hocbaso.school.year"].search([("company_id", "=", self.env.company.id)], limit=1)

    def action_export(self):
        self.ensure_one()
        year = self.school_year_id
        content = self._build_workbook(year)
        code = year.company_id.hocbaso_school_code or year.company_id.id
        self.write({"file_data": base64.b64encode(content), "file_name": f"tien-do-ky-hoc-ba-{code}-{year.name}.xlsx"})
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": f"/web/content/{self._name}/{self.id}/file_data?filename_field=file_name&download=true",
        }

    # ------------------------------------------------------------------ data
    def _progress_data(self, year):
        """Rows of the dashboards for ``year``, read with the user's access rights."""
        Progress = self.env["hocbaso.progress"]
        Progress.check_access("read")
        classes = Progress.search([("school_year_id", "=", year.id)], order="grade, class_id")
        if not classes:
            raise UserError(_("There is no class to report for school year %(year)s.", year=year.display_name))
        teachers = self.env["hocbaso.progress.teacher"].search([("school_year_id", "=", year.id)])
        pupils = classes.class_id.student_ids.filtered(
            lambda s: s.id_check_state != "matched" or not s.personal_id)
        return classes, teachers, pupils

    def _build_workbook(self, year):
        classes, teachers, pupils = self._progress_data(year)
        lang = "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else self.env.lang
        classes, teachers, pupils = (r.with_context(lang=lang) for r in (classes, teachers, pupils))
        today = self.env["hocbaso.progress"]._school_today(year.company_id)
        workbook = openpyxl.Workbook()
        self._sheet_summary(workbook.active, year, classes, today)
        self._sheet_classes(workbook.create_sheet(SHEET_CLASSES), classes)
        self._sheet_teachers(workbook.create_sheet(SHEET_TEACHERS), teachers)
        self._sheet_ids(workbook.create_sheet(SHEET_IDS), pupils, year)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def _employee_names(self, employees):
        """Names of ``employees`` through their public profile (committee members are not HR officers)."""
        return {e.id: e.name for e in self.env["hr.employee.public"].browse(employees.ids)}

    # ------------------------------------------------------------------ sheets
    @staticmethod
    def _write_table(sheet, row, headers, rows, widths=None):
        """Write a header row at ``row`` then ``rows``; return the next free row."""
        for col, header in enumerate(headers, start=1):
            cell = sheet.cell(row=row, column=col, value=header)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for values in rows:
            row += 1
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=col, value=None if value == "" else value)
                if isinstance(value, float):  # the rates
                    cell.number_format = "0.0"
        for col, width in enumerate(widths or [], start=1):
            sheet.column_dimensions[get_column_letter(col)].width = width
        return row + 1

    def _sheet_summary(self, sheet, year, classes, today):
        sheet.title = SHEET_SUMMARY
        company = year.company_id
        days_left = (year.sign_deadline - today).days if year.sign_deadline else None
        sheets_expected, sheets_signed = sum(classes.mapped("sheets_expected")), sum(classes.mapped("sheets_signed"))
        pages, issued = sum(classes.mapped("pages")), sum(classes.mapped("pages_issued"))
        sheet["A1"] = "BÁO CÁO TIẾN ĐỘ KÝ HỌC BẠ SỐ"
        sheet["A1"].font = TITLE_FONT
        lines = [
            ("Trường", company.name),
            ("Năm học", year.name),
            ("Ngày lập báo cáo", _date_vi(today)),
            ("Hạn ký và phát hành", _date_vi(year.sign_deadline)),
            ("Số ngày còn lại", days_left),
            ("Số lớp", len(classes)),
            ("Số lớp trễ hạn", len(classes.filtered("is_late"))),
            ("Số trang học bạ", pages),
            ("Bảng tổng hợp môn cần ký", sheets_expected),
            ("Bảng tổng hợp môn đã ký", sheets_signed),
            ("Tỷ lệ bảng môn đã ký (%)", _rate(sheets_signed, sheets_expected)),
            *((f"Trang học bạ — {label}", sum(classes.mapped(fname))) for fname, label in PAGE_STATES),
            ("Tỷ lệ trang đã phát hành (%)", _rate(issued, pages)),
            ("Học sinh lỗi định danh", sum(classes.mapped("id_problems"))),
        ]
        for row, (label, value) in enumerate(lines, start=3):
            sheet.cell(row=row, column=1, value=label).font = HEADER_FONT
            cell = sheet.cell(row=row, column=2, value=value)
            if isinstance(value, float):
                cell.number_format = "0.0"
            if label == "Số ngày còn lại" and days_left is not None and days_left < 0:
                sheet.cell(row=row, column=2).font = LATE_FONT
        # per grade
        row = len(lines) + 4
        sheet.cell(row=row, column=1, value="Theo khối").font = TITLE_FONT
        by_grade = defaultdict(classes.browse)
        for rec in classes:
            by_grade[rec.grade] |= rec
        rows = []
        for grade in sorted(by_grade):
            recs = by_grade[grade]
            expected, signed = sum(recs.mapped("sheets_expected")), sum(recs.mapped("sheets_signed"))
            grade_pages, grade_issued = sum(recs.mapped("pages")), sum(recs.mapped("pages_issued"))
            rows.append((grade, len(recs), grade_pages, expected, signed, _rate(signed, expected), grade_issued,
                         _rate(grade_issued, grade_pages), sum(recs.mapped("id_problems"))))
        headers = ["Khối", "Số lớp", "Số trang học bạ", "Bảng môn cần ký", "Bảng môn đã ký", "Tỷ lệ ký (%)",
                   "Trang đã phát hành", "Tỷ lệ phát hành (%)", "HS lỗi định danh"]
        self._write_table(sheet, row + 1, headers, rows, widths=[34, 16, 14, 14, 14, 12, 14, 14, 14])

    def _sheet_classes(self, sheet, classes):
        headers = ["Khối", "Lớp", "Giáo viên chủ nhiệm", "Bảng môn cần ký", "Bảng môn đã ký", "Tỷ lệ ký (%)",
                   "Số trang học bạ", *(label for _f, label in PAGE_STATES), "Tỷ lệ phát hành (%)",
                   "HS lỗi định danh", "Hạn ký", "Số ngày còn lại", "Trễ hạn"]
        names = self._employee_names(classes.homeroom_teacher_id)
        rows = [(
            rec.grade, rec.class_id.name, names.get(rec.homeroom_teacher_id.id, ""), rec.sheets_expected,
            rec.sheets_signed,
            round(rec.sheet_signed_rate, 1), rec.pages, *(rec[fname] for fname, _label in PAGE_STATES),
            round(rec.issued_rate, 1), rec.id_problems, _date_vi(rec.sign_deadline), rec.days_left,
            "Có" if rec.is_late else "",
        ) for rec in classes]
        self._write_table(sheet, 1, headers, rows, widths=[7, 9, 26] + [13] * (len(headers) - 3))
        sheet.freeze_panes = "C2"

    def _sheet_teachers(self, sheet, teachers):
        groups = defaultdict(teachers.browse)  # keep the document language of ``teachers``
        for rec in teachers:
            groups[rec.teacher_id] |= rec
        names = self._employee_names(teachers.teacher_id)
        rows = []
        for teacher in sorted(groups, key=lambda t: (not t, names.get(t.id, ""))):
            recs = groups[teacher]
            expected, signed = len(recs), len(recs.filtered("signed"))
            missing = ", ".join(f"{r.class_id.name} – {r.subject_id.name}"
                                for r in recs.filtered(lambda r: not r.signed).sorted(
                                    lambda r: (r.grade, r.class_id.name, r.subject_id.sequence)))
            rows.append((names.get(teacher.id) or "(Chưa phân công)", expected, signed, _rate(signed, expected), missing))
        self._write_table(sheet, 1, ["Giáo viên", "Bảng môn cần ký", "Bảng môn đã ký", "Tỷ lệ ký (%)", "Còn chưa ký"],
                          rows, widths=[28, 15, 15, 12, 80])
        sheet.freeze_panes = "B2"

    def _sheet_ids(self, sheet, pupils, year):
        def class_of(pupil):
            return pupil.class_ids.filtered(lambda c: c.school_year_id == year)[:1]

        rows = [(
            p.student_code or "", p.name, class_of(p).name or "", p.personal_id or "",
            ID_STATES_VI.get(p.id_check_state, p.id_check_state),
            p.id_check_note or ("" if p.personal_id else "Chưa có số định danh"),
        ) for p in pupils.sorted(lambda p: (class_of(p).grade, class_of(p).name or "", p.name or ""))]
        self._write_table(sheet, 1, ["Mã học sinh", "Họ và tên", "Lớp", "Số định danh cá nhân", "Trạng thái", "Ghi chú"],
                          rows, widths=[18, 28, 9, 18, 18, 50])
        sheet.freeze_panes = "A2"
