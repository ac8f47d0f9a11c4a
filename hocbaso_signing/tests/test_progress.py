import base64
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SigningCase


@tagged("post_install", "-at_install")
class TestProgress(SigningCase):
    """Steering-committee dashboard: states and ID checks are written in SQL so the counts do not depend on the
    signing workflow; every figure is asserted exactly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Progress = cls.env["hocbaso.progress"]
        cls.ProgressTeacher = cls.env["hocbaso.progress.teacher"]
        cls.n_subjects = len(cls.class_a.transcript_ids.subject_result_ids.subject_id)
        cls.pupil_an, cls.pupil_binh = cls.pupils_a.sorted("name")  # "Nguyễn Văn An" < "Trần Thị Bình"
        cls.pupil_chau = cls.pupils_b
        # Class A has its sheet rows (Math and Music signed); class B has none at all.
        sheets_a = cls.env["hocbaso.subject.sheet"]._ensure_for_classes(cls.class_a)
        cls.signed_sheets = sheets_a.filtered(lambda s: s.subject_id.code in ("toan", "am_nhac"))
        # A superseded (inactive) version of An's page, with a grade-4 subject: counted nowhere.
        cls.old_page = cls.env["hocbaso.transcript"]._hocbaso_engine().create({
            "student_id": cls.transcript_a1.student_id.id, "class_id": cls.class_a.id, "version": 2})
        cls.env.flush_all()
        cls._sql("UPDATE hocbaso_subject_sheet SET state = 'signed' WHERE id IN %s", [tuple(cls.signed_sheets.ids)])
        cls._sql("UPDATE hocbaso_transcript SET state = 'issued', active = FALSE WHERE id = %s", [cls.old_page.id])
        cls._add_result(cls.old_page, "khoa_hoc")
        # Class B's pupil has one more expected subject than class A's (grade-4 Science added by hand), so
        # the sheets of the two classes weigh differently in the aggregated rates.
        cls._add_result(cls.transcript_b1, "lich_su_dia_li")
        # Pages: An issued, Bình signed by the principal, Châu checked.
        for page, state in ((cls.transcript_a1, "issued"), (cls.transcript_a2, "principal_signed"),
                            (cls.transcript_b1, "checked")):
            cls._sql("UPDATE hocbaso_transcript SET state = %s WHERE id = %s", [state, page.id])
        # IDs: An matched, Bình mismatch, Châu without personal ID.
        cls._sql("UPDATE hocbaso_student SET id_check_state = 'matched' WHERE id = %s", [cls.pupil_an.id])
        cls._sql("UPDATE hocbaso_student SET id_check_state = 'mismatch', id_check_note = 'Sai ngày sinh' "
                 "WHERE id = %s", [cls.pupil_binh.id])
        cls._sql("UPDATE hocbaso_student SET id_check_state = 'unchecked', personal_id = NULL WHERE id = %s",
                 [cls.pupil_chau.id])
        cls.today = cls.Progress._school_today(cls.company)
        cls._set_deadline(-3)

    @classmethod
    def _sql(cls, query, params):
        cls.env.cr.execute(query, params)
        cls.env.invalidate_all()

    @classmethod
    def _add_result(cls, page, code):
        subject = cls.subject[code]
        cls._sql(
            "INSERT INTO hocbaso_subject_result (transcript_id, subject_id, class_id, grade, school_year_id, "
            "company_id, student_id) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [page.id, subject.id, page.class_id.id, page.grade, page.school_year_id.id, page.company_id.id,
             page.student_id.id])

    @classmethod
    def _set_deadline(cls, days_from_today):
        cls._sql("UPDATE hocbaso_school_year SET sign_deadline = %s WHERE id = %s",
                 [cls.today + timedelta(days=days_from_today), cls.year.id])

    def row(self, klass, user=None):
        Progress = self.Progress.with_user(user) if user else self.Progress
        rec = Progress.search([("class_id", "=", klass.id)])
        self.assertEqual(len(rec), 1)
        return rec

    def xlsx(self, user):
        wizard = self.env["hocbaso.progress.export"].with_user(user).create({"school_year_id": self.year.id})
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"/web/content/hocbaso.progress.export/{wizard.id}/file_data", action["url"])
        attachment = self.env["ir.attachment"].sudo().search([
            ("res_model", "=", "hocbaso.progress.export"), ("res_id", "=", wizard.id), ("res_field", "=", "file_data")])
        self.assertEqual(len(attachment), 1)
        self.assertEqual(base64.b64decode(wizard.with_user(user).file_data), attachment.raw)
        self.assertTrue(wizard.file_name.endswith("-2025-2026.xlsx"))
        return openpyxl.load_workbook(io.BytesIO(attachment.raw))

    # ------------------------------------------------------------------ per class
    def test_class_rows(self):
        self.assertGreater(self.n_subjects, 3)
        n = self.n_subjects
        a, b = self.row(self.class_a), self.row(self.class_b)
        self.assertEqual((a.company_id, a.school_year_id, a.grade, a.homeroom_teacher_id),
                         (self.company, self.year, 3, self.e_gvcn_a))
        self.assertEqual(b.homeroom_teacher_id, self.e_gvcn_b)
        # sheets: expected from the result lines of the active pages, even without any sheet row (class B)
        self.assertEqual((a.sheets_expected, a.sheets_signed), (n, 2))
        self.assertAlmostEqual(a.sheet_signed_rate, 200.0 / n, places=6)
        self.assertFalse(self.env["hocbaso.subject.sheet"].search_count([("class_id", "=", self.class_b.id)]))
        self.assertEqual((b.sheets_expected, b.sheets_signed, b.sheet_signed_rate), (n + 1, 0, 0.0))
        # pages: the inactive version is not counted (An's active page is issued, the old one too)
        self.assertEqual(
            (a.pages, a.pages_draft, a.pages_ready, a.pages_homeroom_signed, a.pages_checked,
             a.pages_principal_signed, a.pages_issued), (2, 0, 0, 0, 0, 1, 1))
        self.assertEqual(
            (b.pages, b.pages_draft, b.pages_ready, b.pages_homeroom_signed, b.pages_checked,
             b.pages_principal_signed, b.pages_issued), (1, 0, 0, 0, 1, 0, 0))
        self.assertAlmostEqual(a.issued_rate, 50.0)
        self.assertEqual(b.issued_rate, 0.0)
        # ID problems: Bình (mismatch) in A, Châu (no ID) in B
        self.assertEqual((a.id_problems, b.id_problems), (1, 1))
        # a matched state without any personal ID is still a problem
        self._sql("UPDATE hocbaso_student SET personal_id = NULL WHERE id = %s", [self.pupil_an.id])
        self.assertEqual(self.row(self.class_a).id_problems, 2)

    def test_draft_pages_and_ready(self):
        self._sql("UPDATE hocbaso_transcript SET state = 'draft' WHERE id = %s", [self.transcript_a1.id])
        self._sql("UPDATE hocbaso_transcript SET state = 'ready' WHERE id = %s", [self.transcript_a2.id])
        self._sql("UPDATE hocbaso_transcript SET state = 'homeroom_signed' WHERE id = %s", [self.transcript_b1.id])
        a, b = self.row(self.class_a), self.row(self.class_b)
        self.assertEqual((a.pages, a.pages_draft, a.pages_ready, a.pages_issued, a.issued_rate), (2, 1, 1, 0, 0.0))
        self.assertEqual((b.pages_homeroom_signed, b.pages_checked), (1, 0))

    def test_orm_changes_are_flushed_before_reading(self):
        """The view declares its dependencies: a pending ORM write is visible without an explicit flush."""
        self.assertEqual(self.row(self.class_a).sheets_signed, 2)
        sheet = self.env["hocbaso.subject.sheet"].search([
            ("class_id", "=", self.class_a.id), ("subject_id", "=", self.subject["tieng_viet"].id)])
        sheet._hocbaso_engine().write({"state": "signed"})
        self.pupil_binh.id_check_state = "matched"
        self.env.cr.execute("SELECT state FROM hocbaso_subject_sheet WHERE id = %s", [sheet.id])
        self.assertEqual(self.env.cr.fetchone()[0], "draft")  # the write is still pending
        self.Progress.invalidate_model(flush=False)  # drop the cached row, keep the ORM writes pending
        a = self.row(self.class_a)
        self.assertEqual((a.sheets_signed, a.id_problems), (3, 0))

    def test_days_left_and_late(self):
        vn_now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
        self.assertIn(self.today, {vn_now.date(), (vn_now - timedelta(hours=2)).date()})
        a, b = self.row(self.class_a), self.row(self.class_b)
        self.assertEqual((a.sign_deadline, a.days_left), (self.today - timedelta(days=3), -3))
        self.assertEqual(b.days_left, -3)
        self.assertTrue(a.is_late and b.is_late)
        self.assertEqual(self.Progress.search([("is_late", "=", True), ("company_id", "=", self.company.id)]),
                         a | b)
        # every page of B issued: B is no longer late
        self._sql("UPDATE hocbaso_transcript SET state = 'issued' WHERE id = %s", [self.transcript_b1.id])
        self.assertFalse(self.row(self.class_b).is_late)
        self.assertTrue(self.row(self.class_a).is_late)
        self.assertEqual(self.row(self.class_b).issued_rate, 100.0)
        # before the deadline nothing is late
        self._set_deadline(10)
        self.assertEqual((self.row(self.class_a).days_left, self.row(self.class_a).is_late), (10, False))
        teacher_rows = self.ProgressTeacher.search([("class_id", "in", (self.class_a | self.class_b).ids)])
        self.assertEqual(set(teacher_rows.mapped("days_left")), {10})
        self.assertFalse(teacher_rows.filtered("is_late"))
        self._set_deadline(-1)
        late = self.ProgressTeacher.search([("is_late", "=", True), ("company_id", "=", self.company.id)])
        self.assertEqual(len(late), 2 * self.n_subjects + 1 - 2)  # all but the two signed sheets
        self.assertFalse(late.filtered("signed"))

    def test_days_left_in_the_school_time_zone(self):
        self.company.partner_id.tz = "Pacific/Kiritimati"  # UTC+14
        kiritimati = datetime.now(ZoneInfo("Pacific/Kiritimati"))
        today = self.Progress._school_today(self.company)
        self.assertIn(today, {kiritimati.date(), (kiritimati - timedelta(hours=2)).date()})
        self.assertEqual(self.row(self.class_a).days_left, (self.today - timedelta(days=3) - today).days)

    def test_grouped_rates_are_weighted(self):
        n = self.n_subjects
        domain = [("company_id", "=", self.company.id)]
        [(expected, signed, sheet_rate, pages, issued, issued_rate, problems)] = self.Progress._read_group(
            domain, [], ["sheets_expected:sum", "sheets_signed:sum", "sheet_signed_rate:avg", "pages:sum",
                         "pages_issued:sum", "issued_rate:avg", "id_problems:sum"])
        self.assertEqual((expected, signed, pages, issued, problems), (2 * n + 1, 2, 3, 1, 2))
        # weighted, not the mean of the class rates ((200/n + 0) / 2 and (50 + 0) / 2)
        self.assertAlmostEqual(sheet_rate, 200.0 / (2 * n + 1), places=6)
        self.assertAlmostEqual(issued_rate, 100.0 / 3, places=6)
        # what the list / pivot ask for
        [group] = self.Progress.formatted_read_group(
            domain, ["grade"], ["sheet_signed_rate:avg", "issued_rate:avg", "days_left:min"])
        self.assertEqual(group["grade"], 3)
        self.assertAlmostEqual(group["sheet_signed_rate:avg"], 200.0 / (2 * n + 1), places=6)
        self.assertAlmostEqual(group["issued_rate:avg"], 100.0 / 3, places=6)
        self.assertEqual(group["days_left:min"], -3)

    # ------------------------------------------------------------------ per teacher
    def test_teacher_rows(self):
        n = self.n_subjects
        rows = self.ProgressTeacher.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(rows), 2 * n + 1)
        math = rows.filtered(lambda r: r.teacher_id == self.e_math)
        self.assertEqual(math.class_id, self.class_a | self.class_b)
        self.assertEqual(math.subject_id, self.subject["toan"])
        self.assertEqual(math.filtered("signed").class_id, self.class_a)
        self.assertEqual(math.filtered(lambda r: r.class_id == self.class_b).sheet_id.id, False)
        self.assertEqual(math.filtered("signed").sheet_id, self.signed_sheets.filtered(
            lambda s: s.subject_id.code == "toan"))
        by_teacher = {
            teacher: (expected, signed, rate)
            for teacher, expected, signed, rate in self.ProgressTeacher._read_group(
                [("company_id", "=", self.company.id)], ["teacher_id"],
                ["sheets_expected:sum", "sheets_signed:sum", "signed_rate:avg"])
        }
        self.assertEqual(by_teacher[self.e_math], (2, 1, 50.0))
        self.assertEqual(by_teacher[self.e_music], (2, 1, 50.0))
        self.assertEqual(by_teacher[self.e_gvcn_a], (n - 2, 0, 0.0))
        # B's extra subject has no teaching assignment: it shows under no teacher
        self.assertEqual(by_teacher[self.e_gvcn_b], (n - 2, 0, 0.0))
        self.assertEqual(by_teacher[self.env["hr.employee"]], (1, 0, 0.0))
        self.assertEqual(rows.filtered(lambda r: not r.teacher_id).subject_id, self.subject["lich_su_dia_li"])
        # a signed sheet counts for its teacher
        self._sql("UPDATE hocbaso_subject_sheet SET state = 'signed' WHERE class_id = %s", [self.class_a.id])
        [(expected, signed, rate)] = self.ProgressTeacher._read_group(
            [("teacher_id", "=", self.e_gvcn_a.id)], [], ["sheets_expected:sum", "sheets_signed:sum", "signed_rate:avg"])
        self.assertEqual((expected, signed, rate), (n - 2, n - 2, 100.0))

    # ------------------------------------------------------------------ xlsx
    def test_export_xlsx(self):
        n = self.n_subjects
        workbook = self.xlsx(self.u_vp)
        self.assertEqual(workbook.sheetnames, ["Tổng hợp", "Theo lớp", "Theo giáo viên", "Lỗi định danh"])
        summary = workbook["Tổng hợp"]
        values = {summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value
                  for r in range(3, 30) if summary.cell(row=r, column=1).value}
        self.assertEqual(values["Trường"], self.company.name)
        self.assertEqual(values["Năm học"], "2025-2026")
        self.assertEqual(values["Hạn ký và phát hành"], (self.today - timedelta(days=3)).strftime("%d/%m/%Y"))
        self.assertEqual(values["Số ngày còn lại"], -3)
        self.assertEqual(values["Số lớp"], 2)
        self.assertEqual(values["Số lớp trễ hạn"], 2)
        self.assertEqual(values["Số trang học bạ"], 3)
        self.assertEqual(values["Bảng tổng hợp môn cần ký"], 2 * n + 1)
        self.assertEqual(values["Bảng tổng hợp môn đã ký"], 2)
        self.assertEqual(values["Tỷ lệ bảng môn đã ký (%)"], round(200.0 / (2 * n + 1), 1))
        self.assertEqual(values["Trang học bạ — Đã phát hành"], 1)
        self.assertEqual(values["Trang học bạ — Hiệu trưởng đã ký"], 1)
        self.assertEqual(values["Trang học bạ — Đã kiểm tra"], 1)
        self.assertEqual(values["Trang học bạ — Đang nhập liệu"], 0)
        self.assertEqual(values["Tỷ lệ trang đã phát hành (%)"], 33.3)
        self.assertEqual(values["Học sinh lỗi định danh"], 2)
        grade_rows = [[c.value for c in row] for row in summary.iter_rows(min_row=1)
                      if row[0].value == 3]
        self.assertEqual(grade_rows, [[3, 2, 3, 2 * n + 1, 2, round(200.0 / (2 * n + 1), 1), 1, 33.3, 2]])

        by_class = workbook["Theo lớp"]
        header = [c.value for c in by_class[1]]
        self.assertEqual(header[:7], ["Khối", "Lớp", "Giáo viên chủ nhiệm", "Bảng môn cần ký", "Bảng môn đã ký",
                                      "Tỷ lệ ký (%)", "Số trang học bạ"])
        rows = [[c.value for c in row] for row in by_class.iter_rows(min_row=2)]
        deadline = (self.today - timedelta(days=3)).strftime("%d/%m/%Y")
        self.assertEqual(rows, [
            [3, "3A", "Phạm Thị Lan", n, 2, round(200.0 / n, 1), 2, 0, 0, 0, 0, 1, 1, 50.0, 1, deadline, -3, "Có"],
            [3, "3B", "Hoàng Văn Nam", n + 1, 0, 0.0, 1, 0, 0, 0, 1, 0, 0, 0.0, 1, deadline, -3, "Có"],
        ])

        by_teacher = workbook["Theo giáo viên"]
        self.assertEqual([c.value for c in by_teacher[1]],
                         ["Giáo viên", "Bảng môn cần ký", "Bảng môn đã ký", "Tỷ lệ ký (%)", "Còn chưa ký"])
        teachers = {row[0].value: [c.value for c in row[1:]] for row in by_teacher.iter_rows(min_row=2)}
        lang = "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else self.env.lang
        math_name = self.subject["toan"].with_context(lang=lang).name
        self.assertEqual(teachers["Lê Văn Toán"], [2, 1, 50.0, f"3B – {math_name}"])
        self.assertEqual(teachers["Trần Thị Nhạc"][:3], [2, 1, 50.0])
        self.assertEqual(teachers["Phạm Thị Lan"][:3], [n - 2, 0, 0.0])
        self.assertEqual(teachers["Hoàng Văn Nam"][:3], [n - 2, 0, 0.0])
        self.assertEqual(teachers["(Chưa phân công)"][:3], [1, 0, 0.0])
        self.assertEqual(list(teachers)[-1], "(Chưa phân công)")

        ids = workbook["Lỗi định danh"]
        self.assertEqual([c.value for c in ids[1]],
                         ["Mã học sinh", "Họ và tên", "Lớp", "Số định danh cá nhân", "Trạng thái", "Ghi chú"])
        self.assertEqual([[c.value for c in row] for row in ids.iter_rows(min_row=2)], [
            [self.pupil_binh.student_code, "Trần Thị Bình", "3A", "031317000102", "Không khớp", "Sai ngày sinh"],
            [self.pupil_chau.student_code, "Lê Minh Châu", "3B", None, "Chưa kiểm tra", "Chưa có số định danh"],
        ])

    def test_export_id_list_matches_the_count(self):
        """A pupil 'matched' but without any personal ID is listed too, like the dashboard counts them."""
        self._sql("UPDATE hocbaso_student SET personal_id = NULL WHERE id = %s", [self.pupil_an.id])
        workbook = self.xlsx(self.u_clerk)
        listed = [(row[1].value, row[2].value, row[4].value, row[5].value)
                  for row in workbook["Lỗi định danh"].iter_rows(min_row=2)]
        self.assertEqual(listed, [("Nguyễn Văn An", "3A", "Đã khớp", "Chưa có số định danh"),
                                  ("Trần Thị Bình", "3A", "Không khớp", "Sai ngày sinh"),
                                  ("Lê Minh Châu", "3B", "Chưa kiểm tra", "Chưa có số định danh")])
        summary = workbook["Tổng hợp"]
        [count] = [summary.cell(row=r, column=2).value for r in range(3, 30)
                   if summary.cell(row=r, column=1).value == "Học sinh lỗi định danh"]
        self.assertEqual(count, 3)

    def test_export_by_clerk_and_it_admin(self):
        for user in (self.u_clerk, self.u_it, self.u_principal):
            workbook = self.xlsx(user)
            self.assertEqual(workbook["Tổng hợp"]["B3"].value, self.company.name)
            self.assertEqual(workbook["Theo lớp"].max_row, 3)

    # ------------------------------------------------------------------ access
    def test_committee_reads_school_rows_only(self):
        for user in (self.u_vp, self.u_principal, self.u_clerk, self.u_it):
            self.assertEqual(self.Progress.with_user(user).search([]).class_id, self.class_a | self.class_b,
                             user.login)
            self.assertEqual(len(self.ProgressTeacher.with_user(user).search([])), 2 * self.n_subjects + 1)
        vp_other = new_test_user(self.env, login="t_vp_other", groups="hocbaso_core.group_vice_principal",
                                 company_id=self.other_company.id, company_ids=[(6, 0, self.other_company.ids)])
        env_other = self.env(user=vp_other, context={"allowed_company_ids": self.other_company.ids})
        self.assertEqual(env_other["hocbaso.progress"].search_count([]), 0)
        self.assertEqual(env_other["hocbaso.progress.teacher"].search_count([]), 0)
        with self.assertRaises(AccessError):
            env_other["hocbaso.progress"].browse(self.class_a.id).read(["pages"])
        with self.assertRaises(UserError):  # AccessError is a UserError too
            env_other["hocbaso.progress.export"].create({"school_year_id": self.year.id}).action_export()

    def test_teachers_are_refused(self):
        for user in (self.u_math, self.u_gvcn_a, self.u_leader):
            for model in ("hocbaso.progress", "hocbaso.progress.teacher", "hocbaso.progress.export"):
                with self.assertRaises(AccessError, msg=f"{user.login} {model}"):
                    self.env[model].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["hocbaso.progress.export"].with_user(user).create({"school_year_id": self.year.id})
        menu = self.env.ref("hocbaso_signing.menu_hocbaso_progress")
        Menu = self.env["ir.ui.menu"]
        self.assertNotIn(menu.id, Menu.with_user(self.u_math)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.u_leader)._visible_menu_ids())
        self.assertIn(menu.id, Menu.with_user(self.u_vp)._visible_menu_ids())
        self.assertIn(menu.id, Menu.with_user(self.u_clerk)._visible_menu_ids())
