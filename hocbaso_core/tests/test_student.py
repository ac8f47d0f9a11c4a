from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import HocbasoCase


@tagged("post_install", "-at_install")
class TestStudent(HocbasoCase):
    def _create(self, **vals):
        base = {"name": "Vũ Thị Hoa", "birthdate": date(2015, 5, 5), "gender": "female", "company_id": self.company.id}
        base.update(vals)
        return self.env["hocbaso.student"].create(base)

    def test_valid_id_sets_valid_format(self):
        student = self._create(personal_id=" 031 315 004 321 ")
        self.assertEqual(student.personal_id, "031315004321")
        self.assertEqual(student.id_check_state, "valid_format")
        no_id = self._create(name="Không Số")
        self.assertEqual(no_id.id_check_state, "unchecked")

    def test_invalid_ids_refused(self):
        count = self.env["hocbaso.student"].search_count([])
        for bad in ("031215004321",  # boy's century digit for a girl
                    "031314004321",  # year digits say 2014
                    "031015004321",  # 1900s
                    "99931500432",  # 11 digits
                    "123456789",  # old CMND
                    "03131500432A",  # letter
                    "999315004321"):  # not a province code
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                self._create(personal_id=bad)
        self.assertEqual(self.env["hocbaso.student"].search_count([]), count, "nothing saved")

    def test_duplicate_id_among_active_pupils(self):
        with self.assertRaises(ValidationError):
            self._create(name="Trùng Số", birthdate=date(2017, 3, 2), gender="male", personal_id="031217000101")
        # A pupil who transferred out no longer blocks the number.
        self.pupils_a[0].status = "chuyen_di"
        dup = self._create(name="Trùng Số", birthdate=date(2017, 3, 2), gender="male", personal_id="031217000101")
        self.assertEqual(dup.id_check_state, "valid_format")

    def test_changing_gender_rechecks_id(self):
        with self.assertRaises(ValidationError):
            self.pupils_a[0].gender = "female"
        self.assertEqual(self.pupils_a[0].gender, "male")

    def test_id_message_in_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        with self.assertRaises(ValidationError) as err:
            self.env["hocbaso.student"].with_context(lang="vi_VN").create({
                "name": "Sai Số", "birthdate": date(2015, 5, 5), "gender": "female", "personal_id": "12345",
                "company_id": self.company.id})
        self.assertIn("12 chữ số", str(err.exception))

    def test_class_history(self):
        pupil = self.pupils_a[0]
        self.assertEqual(pupil.current_class_id, self.class_a)
        year2 = self.env["hocbaso.school.year"].create({
            "name": "2026-2027", "date_start": "2026-09-05", "date_end": "2027-05-31", "company_id": self.company.id})
        class_4a = self.env["hocbaso.class"].create({"name": "4A", "grade": 4, "school_year_id": year2.id,
                                                     "company_id": self.company.id,
                                                     "student_ids": [(4, pupil.id)]})
        self.assertEqual(pupil.class_ids, self.class_a | class_4a)
        self.assertEqual(pupil.current_class_id, class_4a)
        self.assertEqual(pupil.grade, 4)

    def test_check_id_format_action(self):
        pupil = self.pupils_a[0]
        pupil.id_check_state = "unchecked"
        pupil.action_check_id_format()
        self.assertEqual(pupil.id_check_state, "valid_format")
