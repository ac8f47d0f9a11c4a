from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HocbasoCase


@tagged("post_install", "-at_install")
class TestTranscript(HocbasoCase):
    def test_lines_created_for_grade(self):
        t = self.transcript_a1
        codes = set(t.subject_result_ids.subject_id.mapped("code"))
        self.assertEqual(codes, {"tieng_viet", "toan", "ngoai_ngu_1", "dao_duc", "tu_nhien_xa_hoi",
                                 "tin_hoc_cong_nghe", "giao_duc_the_chat", "am_nhac", "mi_thuat",
                                 "hoat_dong_trai_nghiem"})
        self.assertEqual(len(t.competency_result_ids), 15)
        self.assertEqual(self.line(t, "toan").teacher_id, self.e_math)
        self.assertEqual(self.line(t, "tieng_viet").teacher_id, self.e_gvcn_a)
        # Grade-3 tests: Toán only at end of term I and end of year.
        toan = self.line(t, "toan")
        self.assertEqual((toan.has_test_gk1, toan.has_test_ck1, toan.has_test_gk2, toan.has_test_cn),
                         (False, True, False, True))

    def test_one_transcript_per_pupil_and_year(self):
        self.class_a.action_create_transcripts()  # idempotent
        self.assertEqual(len(self.class_a.transcript_ids), 2)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["hocbaso.transcript"].create({"student_id": self.pupils_a[0].id, "class_id": self.class_a.id})

    def test_result_htxs_then_htt_then_ht(self):
        t = self.transcript_a1
        self.assertFalse(t.result)
        self.assertTrue(t.result_missing)
        self.fill_top(t, "9")
        self.assertEqual(t.result, "htxs")
        self.assertTrue(t.completed_grade)
        self.assertEqual(t.proposed_commendation, "xuat_sac")
        self.line(t, "toan").score_cn = "8"
        self.assertEqual(t.result, "htt")
        self.line(t, "am_nhac").level_cn = "h"  # worked example 2: one H in an untested subject
        self.assertEqual(t.result, "ht")
        self.line(t, "tieng_viet").score_cn = "4"
        self.assertEqual(t.result, "cht")
        self.assertFalse(t.completed_grade)
        self.assertFalse(t.completed_primary)

    def test_midterm_scores_do_not_count(self):
        t = self.transcript_a1
        self.fill_top(t, "10")
        self.line(t, "toan").score_ck1 = "3"
        self.assertEqual(t.result, "htxs")

    def test_competency_level_blocks(self):
        t = self.transcript_a1
        self.fill_top(t)
        t.competency_result_ids.filtered(lambda r: r.competency_id.code == "cham_chi").level_cn = "d"
        self.assertEqual(t.result, "ht")
        t.competency_result_ids.filtered(lambda r: r.competency_id.code == "giao_tiep_hop_tac").level_cn = "c"
        self.assertEqual(t.result, "cht")

    def test_bad_scores_and_levels_refused(self):
        line = self.line(self.transcript_a1, "toan")
        music = self.line(self.transcript_a1, "am_nhac")
        cases = [
            (line, {"score_cn": 11}), (line, {"score_cn": -1}), (line, {"score_cn": 7.5}),
            (line, {"score_cn": "abc"}), (line, {"score_gk1": 8}),  # no mid-term test in grade 3
            (music, {"score_cn": 9}),  # music has no periodic test
            (line, {"level_cn": "x"}), (line, {"level_cn": "d"}),  # 'd' belongs to the competency scale
        ]
        for record, vals in cases:
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                record.write(vals)
        self.assertFalse(line.score_cn)
        self.assertFalse(line.score_gk1)
        self.assertFalse(line.level_cn)
        comp = self.transcript_a1.competency_result_ids[:1]
        with self.assertRaises(ValidationError):
            comp.write({"level_cn": "h"})
        self.assertFalse(comp.level_cn)

    def test_scores_accept_whole_numbers(self):
        line = self.line(self.transcript_a1, "toan")
        line.write({"score_cn": 7, "score_ck1": "10", "level_cn": "T"})
        self.assertEqual((line.score_cn, line.score_ck1, line.level_cn), ("7", "10", "t"))
        line.write({"score_cn": 0})
        self.assertEqual(line.score_value("cn"), 0)
        line.write({"score_cn": False})
        self.assertIsNone(line.score_value("cn"))

    def test_error_message_in_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        line = self.line(self.transcript_a1, "toan").with_context(lang="vi_VN")
        with self.assertRaises(ValidationError) as err:
            line.write({"score_cn": 12})
        self.assertIn("Điểm", str(err.exception))
        self.assertIn("Nguyễn Văn An", str(err.exception))

    def test_summer_reassessment_keeps_first_result(self):
        t = self.transcript_a1
        self.fill_top(t)
        self.line(t, "tieng_viet").score_cn = "3"
        self.assertEqual(t.result, "cht")
        self.assertFalse(t.completed_grade)
        wizard = self.env["hocbaso.reassessment"].with_user(self.u_gvcn_a).with_context(active_id=t.id).create({
            "reassessment_result": "ht", "reassessment_comment": "Đã ôn tập trong hè, đạt yêu cầu.",
        })
        wizard.action_confirm()
        self.assertEqual(t.result, "cht", "the first assessment is kept")
        self.assertEqual(t.final_result, "ht")
        self.assertTrue(t.completed_grade)
        self.assertEqual(t.promotion, "promoted")

    def test_reassessment_only_for_cht(self):
        t = self.transcript_a1
        self.fill_top(t)
        with self.assertRaises(ValidationError):
            t.reassessment_result = "ht"

    def test_commendation_rules(self):
        t = self.transcript_a1
        self.fill_top(t, "8")
        self.assertEqual(t.result, "htt")
        with self.assertRaises(ValidationError):
            t.commendation = "xuat_sac"
        t.commendation = "tieu_bieu"
        self.assertEqual(t.commendation, "tieu_bieu")
        t.commendation = False
        self.fill_top(t, "10")
        t.action_apply_proposed_commendation()
        self.assertEqual(t.commendation, "xuat_sac")

    def test_grade5_completes_primary(self):
        klass = self.env["hocbaso.class"].create({
            "name": "5A", "grade": 5, "school_year_id": self.year.id, "company_id": self.company.id,
            "student_ids": [(6, 0, self.env["hocbaso.student"].create({
                "name": "Phạm Gia Huy", "birthdate": "2015-04-04", "gender": "male",
                "personal_id": "031215004321", "company_id": self.company.id}).ids)],
        })
        klass.action_create_transcripts()
        t = klass.transcript_ids
        self.assertIn("khoa_hoc", t.subject_result_ids.subject_id.mapped("code"))
        self.assertNotIn("tu_nhien_xa_hoi", t.subject_result_ids.subject_id.mapped("code"))
        self.fill_top(t, "9")
        self.assertTrue(t.completed_primary)
        toan = self.line(t, "toan")
        self.assertTrue(toan.has_test_gk1 and toan.has_test_gk2, "grades 4-5 have mid-term tests in Toán")

    def test_mark_ready_needs_complete_data(self):
        t = self.transcript_a1.with_user(self.u_gvcn_a)
        with self.assertRaises(UserError):
            t.action_mark_ready()
        self.fill_top(self.transcript_a1)
        t.action_mark_ready()
        self.assertEqual(t.state, "ready")

    def test_pupil_must_be_in_class(self):
        with self.assertRaises(ValidationError):
            self.env["hocbaso.transcript"].create({"student_id": self.pupils_b.id, "class_id": self.class_a.id})

    def test_pupil_one_class_per_year(self):
        with self.assertRaises(ValidationError):
            self.class_b.student_ids = [(4, self.pupils_a[0].id)]

    def test_school_year_rules(self):
        self.assertEqual(str(self.year.sign_deadline), "2026-06-15")
        self.assertEqual(str(self.year.sync_deadline), "2026-08-20")
        Year = self.env["hocbaso.school.year"]
        for vals in ({"name": "2025-2027", "date_start": "2025-09-01", "date_end": "2026-05-31"},
                     {"name": "2026", "date_start": "2026-09-01", "date_end": "2027-05-31"},
                     {"name": "2026-2027", "date_start": "2027-09-01", "date_end": "2027-05-31"}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                Year.create(dict(vals, company_id=self.company.id))
