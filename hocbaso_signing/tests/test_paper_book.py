import io
import logging
import os
import re
import subprocess
import tempfile
import time
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from ..report.report_year_page import RESULT_LABELS
from .common import SigningCase

_logger = logging.getLogger(__name__)

NOT_SIGNED = "Bản chưa ký số — chỉ để tham khảo"


def squash(text):
    return " ".join(text.split())


@tagged("post_install", "-at_install")
class TestPaperBook(SigningCase):
    """Paper book of Nguyễn Văn An: grade 1 (2023-2024) and grade 2 (2024-2025) not signed, grade 3 (2025-2026,
    class A of the common test school) signed by the whole cascade."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pupil = cls.transcript_a1.student_id
        Year, Class = cls.env["hocbaso.school.year"], cls.env["hocbaso.class"]
        cls.year_1 = Year.create({"name": "2023-2024", "date_start": date(2023, 9, 5), "date_end": date(2024, 5, 31),
                                  "company_id": cls.company.id})
        cls.year_2 = Year.create({"name": "2024-2025", "date_start": date(2024, 9, 5), "date_end": date(2025, 5, 31),
                                  "company_id": cls.company.id})
        # Created grade 2 first: the book orders the pages by grade, not by creation.
        cls.class_2 = Class.create({"name": "2A", "grade": 2, "school_year_id": cls.year_2.id,
                                    "company_id": cls.company.id, "student_ids": [(6, 0, cls.pupil.ids)]})
        cls.class_1 = Class.create({"name": "1A", "grade": 1, "school_year_id": cls.year_1.id,
                                    "company_id": cls.company.id, "student_ids": [(6, 0, cls.pupil.ids)]})
        (cls.class_1 | cls.class_2).action_create_transcripts()
        cls.page_1 = cls.class_1.transcript_ids
        cls.page_2 = cls.class_2.transcript_ids
        cls.page_1.homeroom_comment = "Em ngoan, chăm học lớp Một."

    def setUp(self):
        super().setUp()
        self.fill_top(self.page_1)
        self.fill_top(self.page_2, score="7")

    # ------------------------------------------------------------------ helpers
    def book_attachment(self, pupil=None):
        return self.env["ir.attachment"].search([
            ("res_model", "=", "hocbaso.student"), ("res_id", "=", (pupil or self.pupil).id),
            ("res_field", "=", "paper_book_file")])

    def pdf_pages_text(self, pdf, layout=False):
        """Text of each page (pdftotext): whitespace squashed, or the lines of the physical layout."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "book.pdf")
            with open(path, "wb") as fh:
                fh.write(pdf)
            out = subprocess.run(["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), path, "-"],
                                 capture_output=True, text=True, check=True).stdout
        pages = out.split("\f")
        if pages and not pages[-1].strip():
            pages.pop()
        return [[squash(line) for line in p.splitlines() if line.strip()] if layout else squash(p) for p in pages]

    def print_book(self, user):
        self.env.invalidate_all()  # as in a new request: nothing read by another user in cache
        action = self.pupil.with_user(user).action_print_paper_book()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.book_attachment()
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.name, f"HocBa-{self.pupil.student_code}.pdf")
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertEqual(action["url"], f"/web/content/{attachment.id}?download=true"
                                        f"&access_token={attachment.access_token}")
        self.assertTrue(attachment.access_token)
        return action, attachment, attachment.raw

    # ------------------------------------------------------------------ tests
    def test_three_year_book(self):
        _sheets, transcripts = self.sign_class_a()
        page_3 = self.transcript_a1
        self.assertIn(page_3, transcripts)
        self.assertEqual(set(page_3._hocbaso_roles_done()), set(page_3._hocbaso_expected_roles()))
        self.assertTrue(page_3.document_ref)
        old_name = self.pupil.name
        # A correction of the name after the grade 3 page was issued: the issued page keeps what was signed.
        self.pupil.name = "Nguyễn Văn Ân"
        self.assertNotEqual(RESULT_LABELS[self.page_1.final_result], RESULT_LABELS[self.page_2.final_result])

        self.env.invalidate_all()
        start = time.perf_counter()
        pdf = self.pupil.with_user(self.u_clerk)._hocbaso_paper_book_pdf()
        _logger.info("Paper book of 3 years (5 pages) generated in %.2f s", time.perf_counter() - start)
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 5, "cover + 3 year pages + summary")

        cover, p1, p2, p3, summary = self.pdf_pages_text(pdf)
        # Cover: school, title and identity of the pupil (current data).
        for text in (self.company.name, "HỌC BẠ — Tiểu học", "Nguyễn Văn Ân", "02/03/2017", "Giới tính: Nam",
                     "031217000101", self.pupil.student_code, "Hải Phòng, ngày"):
            self.assertIn(text, cover)
        # Year pages in grade order, whatever the order of creation.
        for text, year, klass in ((p1, "2023-2024", "1A"), (p2, "2024-2025", "2A"), (p3, "2025-2026", "3A")):
            self.assertIn(f"HỌC BẠ — NĂM HỌC {year}", text)
            self.assertIn(f"Lớp {klass}", text)
        self.assertIn("Em ngoan, chăm học lớp Một.", p1)
        # Pages not issued: marked, no document reference (a provisional one would not verify).
        for text in (p1, p2):
            self.assertIn(NOT_SIGNED, text)
            self.assertIn("Nguyễn Văn Ân", text)
            self.assertNotRegex(text, r"HB-\S+-v\d")
        # Issued page: its signed snapshot (old name), its document reference and snapshot hash, no mark.
        self.assertNotIn(NOT_SIGNED, p3)
        self.assertIn(old_name, p3)
        self.assertNotIn("Nguyễn Văn Ân", p3)
        self.assertIn(f"Số hiệu văn bản: {page_3.document_ref}", p3)
        self.assertIn(page_3.snapshot_sha256, p3)
        # Summary: the years in grade order with class, result and the issued reference.
        self.assertIn("TỔNG HỢP KẾT QUẢ CÁC NĂM HỌC", summary)
        lines = self.pdf_pages_text(pdf, layout=True)[4]
        rows = [line for line in lines if re.match(r"\d{4}-\d{4} ", line)]
        self.assertEqual(rows, [
            f"2023-2024 1A {RESULT_LABELS[self.page_1.final_result]} Có — Không Chưa ký số",
            f"2024-2025 2A {RESULT_LABELS[self.page_2.final_result]} Có — Không Chưa ký số",
            f"2025-2026 3A {RESULT_LABELS[page_3.final_result]} Có — Không {page_3.document_ref}",
        ])

        # The button: stored on the pupil and downloaded through the token of this print.
        _action, _attachment, stored = self.print_book(self.u_clerk)
        self.assertEqual(len(PdfFileReader(io.BytesIO(stored)).pages), 5)
        self.assertIn(page_3.document_ref, " ".join(self.pdf_pages_text(stored)))

    def test_print_replaces_the_stored_book(self):
        before = len(self.pupil.message_ids)
        _action, first, first_pdf = self.print_book(self.env.user)
        self.assertEqual(len(self.pupil.message_ids), before + 1, "each print leaves a chatter entry")
        first_token = first.access_token
        self.assertNotIn("Nhận xét sau lần in đầu", " ".join(self.pdf_pages_text(first_pdf)))
        self.page_2.homeroom_comment = "Nhận xét sau lần in đầu"
        _action, second, second_pdf = self.print_book(self.env.user)
        self.assertEqual(second, first, "the attachment is replaced, not duplicated")
        self.assertNotEqual(second.access_token, first_token, "links of the previous print stop working")
        texts = self.pdf_pages_text(second_pdf)
        self.assertEqual(len(texts), 5)
        self.assertIn("Nhận xét sau lần in đầu", " ".join(texts))
        self.assertEqual(len(self.pupil.message_ids), before + 2, "each print leaves a chatter entry")
        self.assertIn(self.env.user.name, self.pupil.message_ids[0].body)

    def test_pages_of_the_book(self):
        """Without signature every page of the pupil is printed, marked, in grade order (3A is grade 3)."""
        pages = self.pupil._hocbaso_paper_book_pages()
        self.assertEqual(pages.mapped("grade"), [1, 2, 3])
        self.assertEqual(pages, self.page_1 | self.page_2 | self.transcript_a1)
        texts = self.pdf_pages_text(self.pupil._hocbaso_paper_book_pdf())
        self.assertEqual(len(texts), 5)
        self.assertEqual([NOT_SIGNED in t for t in texts], [False, True, True, True, False])
        self.assertEqual([re.search(r"NĂM HỌC (\d{4}-\d{4})", t).group(1) for t in texts[1:4]],
                         ["2023-2024", "2024-2025", "2025-2026"])

    def test_pupil_without_year_page(self):
        pupil = self.env["hocbaso.student"].create({
            "name": "Phan Thị Mới", "birthdate": date(2018, 4, 4), "gender": "female",
            "company_id": self.company.id})
        with self.assertRaises(UserError) as err:
            pupil.action_print_paper_book()
        self.assertIn("Phan Thị Mới", str(err.exception))
        self.assertFalse(self.book_attachment(pupil))

    def test_one_pupil_at_a_time(self):
        with self.assertRaises(UserError):
            self.pupils_a.action_print_paper_book()
        self.assertFalse(self.book_attachment())
        server_action = self.env.ref("hocbaso_signing.action_server_print_paper_book")
        self.assertEqual(server_action.binding_model_id.model, "hocbaso.student")
        with self.assertRaises(UserError):
            server_action.with_context(active_model="hocbaso.student", active_ids=self.pupils_a.ids).run()
        action = server_action.with_context(active_model="hocbaso.student", active_id=self.pupil.id,
                                            active_ids=self.pupil.ids).run()
        self.assertEqual(action["url"], f"/web/content/{self.book_attachment().id}?download=true"
                                        f"&access_token={self.book_attachment().access_token}")
        form = self.env["hocbaso.student"].get_view(self.env.ref("hocbaso_core.hocbaso_student_view_form").id)
        self.assertIn('name="action_print_paper_book"', form["arch"])

    def test_access(self):
        # The homeroom teacher of 3A reads the pupil and the grade 3 page, not the grade 1 and 2 pages.
        teacher_pupil = self.pupil.with_user(self.u_gvcn_a)
        self.assertEqual(teacher_pupil.name, self.pupil.name)
        self.assertTrue(self.transcript_a1.with_user(self.u_gvcn_a).has_access("read"))
        self.assertFalse(self.page_1.with_user(self.u_gvcn_a).has_access("read"))
        with self.assertRaises(AccessError) as err:
            teacher_pupil.action_print_paper_book()
        self.assertIn("(hocbaso.transcript)", str(err.exception), "refused for the year pages, not left out")
        self.assertFalse(self.book_attachment())
        # The homeroom teacher of 3B does not even read the pupil.
        with self.assertRaises(AccessError) as err:
            self.pupil.with_user(self.u_gvcn_b).action_print_paper_book()
        self.assertIn("(hocbaso.student)", str(err.exception))
        self.assertFalse(self.book_attachment())
        # The clerk reads the whole school: the book is printed. The stored copy is not readable by the teacher
        # who may read the pupil but not every page of the book.
        _action, attachment, _pdf = self.print_book(self.u_clerk)
        self.assertFalse(attachment.with_user(self.u_clerk).has_access("read"), "only through the print's link")
        with self.assertRaises(AccessError):
            attachment.with_user(self.u_gvcn_a).check_access("read")
        self.assertFalse(self.env["ir.attachment"].with_user(self.u_gvcn_a).search(
            [("res_model", "=", "hocbaso.student"), ("res_id", "=", self.pupil.id)]))
        self.assertFalse(attachment.with_user(self.u_gvcn_a)._can_return_content(access_token=None))
        self.assertTrue(attachment.with_user(self.u_gvcn_a)._can_return_content(
            access_token=attachment.access_token), "the link of the print works for whoever got it")
