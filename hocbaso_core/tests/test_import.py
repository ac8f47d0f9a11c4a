import base64

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import file_open

from .common import HocbasoCase


@tagged("post_install", "-at_install")
class TestImport(HocbasoCase):
    def _wizard(self, path=None, data=None):
        if path:
            with file_open(path, "rb") as fh:
                data = fh.read()
        return self.env["hocbaso.student.import"].with_user(self.u_it).create({
            "school_year_id": self.year.id, "file": base64.b64encode(data), "filename": "c1.xlsx",
        })

    def _counts(self):
        return (self.env["hocbaso.student"].search_count([]), self.env["hocbaso.class"].search_count([]))

    def test_sample_with_bad_row_imports_nothing(self):
        before = self._counts()
        wizard = self._wizard("hocbaso_core/static/sample/c1_hocsinh_mau.xlsx")
        wizard.action_import()
        self.assertEqual(wizard.state, "errors")
        self.assertEqual(wizard.error_count, 1)
        self.assertIn("Số định danh cá nhân", wizard.error_report)
        self.assertEqual(self._counts(), before, "nothing half-imported")

    def test_valid_sample_imports_classes_and_pupils(self):
        wizard = self._wizard("hocbaso_core/static/sample/c1_hocsinh_hople.xlsx")
        wizard.action_import()
        self.assertEqual(wizard.state, "done", wizard.error_report)
        classes = self.env["hocbaso.class"].search([("school_year_id", "=", self.year.id), ("grade", "=", 1)])
        self.assertEqual(sorted(classes.mapped("name")), ["1A", "1B"])
        pupils = classes.student_ids
        self.assertGreaterEqual(len(pupils), 10)
        self.assertTrue(all(p.student_code for p in pupils))
        self.assertTrue(all(p.id_check_state == "valid_format" for p in pupils if p.personal_id))
        # Importing the same file again updates, never duplicates.
        again = self._wizard("hocbaso_core/static/sample/c1_hocsinh_hople.xlsx")
        again.action_import()
        self.assertEqual(again.state, "done")
        self.assertEqual(len(classes.student_ids), len(pupils))
        self.assertIn(str(len(pupils)), again.summary)

    def test_database_conflict_rolls_back_everything(self):
        # A pupil of another class already holds an ID used in the file: that row fails in the
        # database check, and the rows before it must be rolled back too.
        wizard = self._wizard("hocbaso_core/static/sample/c1_hocsinh_hople.xlsx")
        from ..tools import student_import
        rows = student_import.parse_workbook(base64.b64decode(wizard.file)).rows
        last = rows[-1]
        self.env["hocbaso.student"].create({
            "name": "Đã Có", "birthdate": last["birthdate"], "gender": last["gender"],
            "personal_id": last["personal_id"], "company_id": self.company.id})
        before = self._counts()
        wizard.action_import()
        self.assertEqual(wizard.state, "errors")
        self.assertEqual(wizard.error_count, 1)
        self.assertEqual(self._counts(), before)

    def test_not_an_xlsx(self):
        before = self._counts()
        with self.assertRaises(UserError):
            self._wizard(data=b"this is not a workbook").action_import()
        self.assertEqual(self._counts(), before)
