from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import SigningCase

POINTS = ("gk1", "ck1", "gk2", "cn")
LEVEL_FIELDS = tuple(f"level_{p}" for p in POINTS)
# What the tour enters (static/tests/tours/hocbaso_sheet_sign_tour.js), per pupil sorted by name.
ENTERED = {
    "Nguyễn Văn An": {"gk1": "h", "ck1": "t", "gk2": "t", "cn": "t"},
    "Trần Thị Bình": {"gk1": "h", "ck1": "h", "gk2": "t", "cn": "h"},
}


@tagged("post_install", "-at_install")
class TestSheetSignTour(SigningCase, HttpCase):
    def _math_lines(self):
        return self.env["hocbaso.subject.result"].search([
            ("class_id", "=", self.class_a.id), ("subject_id.code", "=", "toan")]).sorted("student_name")

    def test_subject_teacher_enters_levels_and_signs_the_sheet(self):
        """Chromium: the math teacher fills the empty Toán levels of 3A in the grid, then signs the 3A Toán
        sheet from its form with the PKCS#12 password; the sheet is signed and its results are frozen."""
        # Everything is complete except the Toán levels of class 3A, which the teacher enters in the browser.
        for transcript in self.class_a.transcript_ids:
            self.fill_top(transcript)
        lines = self._math_lines()
        self.assertEqual(lines.mapped("student_name"), list(ENTERED))
        lines.write(dict.fromkeys(LEVEL_FIELDS, False))
        Sheet = self.env["hocbaso.subject.sheet"]
        Sheet._ensure_for_classes(self.class_a)
        sheet = Sheet.search([("class_id", "=", self.class_a.id), ("subject_id.code", "=", "toan")])
        self.assertEqual(len(sheet), 1)
        self.assertEqual((sheet.state, sheet.signed_roles, sheet.teacher_id), ("draft", False, self.e_math))
        self.assertFalse(any(line[f] for line in lines for f in LEVEL_FIELDS))
        music = self.env["hocbaso.subject.result"].search([
            ("class_id", "=", self.class_a.id), ("subject_id.code", "=", "am_nhac")])
        self.assertTrue(music and all(m.level_cn == "t" for m in music))

        self.start_tour("/odoo/action-hocbaso_core.hocbaso_teaching_assignment_action", "hocbaso_sheet_sign",
                        login="t_math", timeout=180)
        self.env.invalidate_all()

        # The levels entered in the grid are stored (the scores filled before are untouched).
        lines = self._math_lines()
        self.assertEqual({line.student_name: {p: line[f"level_{p}"] for p in POINTS} for line in lines}, ENTERED)
        self.assertTrue(all(line.score_cn == "10" for line in lines))

        # The sheet is signed by the math teacher, with their certificate, once.
        self.assertEqual(sheet.state, "signed")
        self.assertEqual(sheet.signed_roles, "subject_teacher")
        signatures = self.env["hocbaso.signature"].search(
            [("res_model", "=", "hocbaso.subject.sheet"), ("res_id", "=", sheet.id), ("active", "=", True)])
        self.assertEqual(len(signatures), 1)
        self.assertEqual(signatures.role, "subject_teacher")
        self.assertEqual(signatures.certificate_id, self.certs["math"])
        self.assertTrue(self.certs["math"].serial)
        self.assertEqual(signatures.certificate_serial, self.certs["math"].serial)
        self.assertEqual(signatures.user_id, self.u_math)
        self.assertEqual(signatures.snapshot_sha256, sheet.snapshot_sha256)
        # The signed document is the one with the levels entered in the browser.
        rows = {row["full_name"]: row["levels"] for row in sheet.get_snapshot()["rows"]}
        self.assertEqual(rows, ENTERED)
        # Only this sheet was signed.
        others = Sheet.search([("class_id", "=", self.class_a.id), ("id", "!=", sheet.id)])
        self.assertTrue(others)
        self.assertEqual(set(others.mapped("state")), {"draft"})

        # The math results of 3A are frozen, for the teacher and for the administrator alike.
        for env_lines in (lines.with_user(self.u_math), lines):
            for vals in ({"level_cn": "c"}, {"score_cn": "5"}):
                with self.subTest(user=env_lines.env.user.login, vals=vals), \
                        self.assertRaises(UserError) as caught:
                    env_lines.write(vals)
                self.assertNotIsInstance(caught.exception, AccessError)
        self.env.invalidate_all()
        self.assertEqual({line.student_name: {p: line[f"level_{p}"] for p in POINTS} for line in lines}, ENTERED)
        # ...while a subject whose sheet is not signed can still be changed by its teacher.
        music.with_user(self.u_music).write({"level_cn": "h"})
        self.assertEqual(set(music.mapped("level_cn")), {"h"})
