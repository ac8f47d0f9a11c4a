from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import HocbasoCase


@tagged("post_install", "-at_install")
class TestAccess(HocbasoCase):
    def test_subject_teacher_writes_only_assigned_subjects(self):
        toan = self.line(self.transcript_a1, "toan")
        toan.with_user(self.u_math).write({"level_cn": "t", "score_cn": "9"})
        self.assertEqual(toan.level_cn, "t")
        music = self.line(self.transcript_a1, "am_nhac")
        with self.assertRaises(AccessError):
            music.with_user(self.u_math).write({"level_cn": "t"})
        tv = self.line(self.transcript_a1, "tieng_viet")
        with self.assertRaises(AccessError):
            tv.with_user(self.u_music).write({"level_cn": "t"})
        self.assertFalse(music.level_cn)
        self.assertFalse(tv.level_cn)
        # ... and cannot create or delete results.
        with self.assertRaises(AccessError):
            toan.with_user(self.u_math).unlink()

    def test_subject_teacher_reads_only_their_classes(self):
        other = self.env["hocbaso.class"].create({
            "name": "3C", "grade": 3, "school_year_id": self.year.id, "company_id": self.company.id,
            "student_ids": [(6, 0, self.env["hocbaso.student"].create({
                "name": "Đặng Văn Ngoài", "birthdate": "2017-02-02", "gender": "male",
                "company_id": self.company.id}).ids)],
        })
        other.action_create_transcripts()
        Result = self.env["hocbaso.subject.result"].with_user(self.u_music)
        visible = Result.search([])
        self.assertTrue(visible)
        self.assertFalse(visible.filtered(lambda r: r.class_id == other))
        Transcript = self.env["hocbaso.transcript"].with_user(self.u_music)
        self.assertEqual(Transcript.search([]), self.class_a.transcript_ids | self.class_b.transcript_ids)
        self.assertEqual(self.env["hocbaso.transcript"].with_user(self.u_principal).search_count(
            [("class_id", "=", other.id)]), 1)

    def test_homeroom_teacher_own_class_only(self):
        comp = self.transcript_a1.competency_result_ids[:1]
        comp.with_user(self.u_gvcn_a).write({"level_cn": "t", "comment": "Em chăm ngoan."})
        self.assertEqual(comp.level_cn, "t")
        comp_b = self.transcript_b1.competency_result_ids[:1]
        with self.assertRaises(AccessError):
            comp_b.with_user(self.u_gvcn_a).write({"level_cn": "t"})
        self.transcript_a1.with_user(self.u_gvcn_a).write({"homeroom_comment": "Em tiến bộ."})
        self.assertEqual(self.transcript_a1.homeroom_comment, "Em tiến bộ.")
        with self.assertRaises(AccessError):
            self.transcript_b1.with_user(self.u_gvcn_a).write({"homeroom_comment": "Không được."})
        # Fields outside the homeroom teacher's remit are refused even on their own class.
        with self.assertRaises(AccessError):
            self.transcript_a1.with_user(self.u_gvcn_a).write({"state": "issued"})
        with self.assertRaises(AccessError):
            self.transcript_a1.with_user(self.u_gvcn_a).write({"promotion": "retained"})
        # Homeroom teacher is not the music teacher: cannot write music results of own class.
        with self.assertRaises(AccessError):
            self.line(self.transcript_a1, "am_nhac").with_user(self.u_gvcn_a).write({"level_cn": "t"})
        # Homeroom teacher cleans the IDs of own class's pupils, not others'.
        self.pupils_a[1].with_user(self.u_gvcn_a).write({"father_name": "Trần Văn Cha"})
        with self.assertRaises(AccessError):
            self.pupils_b.with_user(self.u_gvcn_a).write({"father_name": "X"})

    def test_subject_teacher_cannot_write_competencies_or_transcripts(self):
        with self.assertRaises(AccessError):
            self.transcript_a1.competency_result_ids[:1].with_user(self.u_math).write({"level_cn": "t"})
        with self.assertRaises(AccessError):
            self.transcript_a1.with_user(self.u_math).write({"homeroom_comment": "x"})
        with self.assertRaises(AccessError):
            self.pupils_a[0].with_user(self.u_math).write({"father_name": "x"})

    def test_leaders_read_whole_school_but_do_not_enter_results(self):
        for user in (self.u_leader, self.u_vp, self.u_principal, self.u_clerk):
            with self.subTest(user=user.login):
                self.assertEqual(self.env["hocbaso.transcript"].with_user(user).search_count([]), 3)
                self.assertEqual(self.env["hocbaso.student"].with_user(user).search_count([]), 3)
                with self.assertRaises(AccessError):
                    self.line(self.transcript_a1, "toan").with_user(user).write({"level_cn": "t"})
        with self.assertRaises(AccessError):
            self.transcript_a1.with_user(self.u_clerk).write({"note": "x"})
        with self.assertRaises(AccessError):
            self.transcript_a1.with_user(self.u_vp).write({"promotion": "retained"})

    def test_principal_decides_promotion(self):
        t = self.transcript_a1
        self.fill_top(t)
        self.line(t, "toan").score_cn = "2"
        self.assertEqual(t.result, "cht")
        t.with_user(self.u_principal).write({"promotion": "retained"})
        self.assertEqual(t.promotion, "retained")
        with self.assertRaises(AccessError):
            t.with_user(self.u_principal).write({"student_id": self.pupils_a[1].id})

    def test_it_admin_configures(self):
        year = self.env["hocbaso.school.year"].with_user(self.u_it).create({
            "name": "2026-2027", "date_start": "2026-09-05", "date_end": "2027-05-31", "company_id": self.company.id})
        self.assertEqual(year.sign_deadline.isoformat(), "2027-06-15")
        with self.assertRaises(AccessError):
            self.env["hocbaso.school.year"].with_user(self.u_principal).create({
                "name": "2027-2028", "date_start": "2027-09-05", "date_end": "2028-05-31",
                "company_id": self.company.id})
        with self.assertRaises(AccessError):
            self.env["hocbaso.subject"].with_user(self.u_math).create({"code": "x", "name": "X"})

    def test_parent_portal_user_sees_nothing_in_backend(self):
        parent = new_test_user(self.env, login="t_parent", groups="base.group_portal", name="Phụ huynh",
                               company_id=self.company.id)
        self.pupils_a[0].parent_ids = [(4, parent.partner_id.id)]
        for model in ("hocbaso.transcript", "hocbaso.student", "hocbaso.subject.result",
                      "hocbaso.competency.result", "hocbaso.class", "hocbaso.school.year", "hocbaso.subject"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(parent).search([])
        with self.assertRaises(AccessError):
            self.transcript_a1.with_user(parent).read(["result"])

    def test_multi_school_isolation(self):
        year_other = self.env["hocbaso.school.year"].create({
            "name": "2025-2026", "date_start": "2025-09-05", "date_end": "2026-05-31",
            "company_id": self.other_company.id})
        other_it = new_test_user(self.env, login="t_it_other", groups="hocbaso_core.group_it_admin",
                                 company_id=self.other_company.id,
                                 company_ids=[(6, 0, self.other_company.ids)])
        env_other = self.env(user=other_it, context={"allowed_company_ids": self.other_company.ids})
        self.assertEqual(env_other["hocbaso.school.year"].search([]), year_other)
        self.assertEqual(env_other["hocbaso.transcript"].search_count([]), 0)
        self.assertEqual(env_other["hocbaso.student"].search_count([]), 0)
        self.assertEqual(self.env["hocbaso.transcript"].with_user(self.u_principal).search_count([]), 3)

    def test_mark_ready_by_homeroom_only(self):
        self.fill_top(self.transcript_a1)
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.transcript_a1.with_user(self.u_gvcn_b).action_mark_ready()
        self.assertEqual(self.transcript_a1.state, "draft")
