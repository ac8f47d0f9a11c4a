from datetime import date

from odoo.tests import TransactionCase, new_test_user


class HocbasoCase(TransactionCase):
    """A small school of its own (independent of the demo data): one year, two grade-3 classes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create({"name": "Trường Tiểu học Kiểm Thử"})
        cls.other_company = cls.env["res.company"].create({"name": "Trường Tiểu học Khác"})
        cls.env.user.write({"company_ids": [(4, cls.company.id), (4, cls.other_company.id)]})
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        cls.year = cls.env["hocbaso.school.year"].create({
            "name": "2025-2026", "date_start": date(2025, 9, 5), "date_end": date(2026, 5, 31),
            "company_id": cls.company.id,
        })

        def staff(login, groups, name):
            user = new_test_user(cls.env, login=login, groups=groups, name=name, company_id=cls.company.id,
                                 company_ids=[(6, 0, [cls.company.id])])
            employee = cls.env["hr.employee"].create({"name": name, "user_id": user.id, "company_id": cls.company.id})
            return user, employee

        cls.u_math, cls.e_math = staff("t_math", "hocbaso_core.group_subject_teacher", "Lê Văn Toán")
        cls.u_music, cls.e_music = staff("t_music", "hocbaso_core.group_subject_teacher", "Trần Thị Nhạc")
        cls.u_gvcn_a, cls.e_gvcn_a = staff("t_gvcn_a", "hocbaso_core.group_homeroom_teacher", "Phạm Thị Lan")
        cls.u_gvcn_b, cls.e_gvcn_b = staff("t_gvcn_b", "hocbaso_core.group_homeroom_teacher", "Hoàng Văn Nam")
        cls.u_leader, cls.e_leader = staff("t_leader", "hocbaso_core.group_team_leader", "Đỗ Thị Tổ")
        cls.u_vp, cls.e_vp = staff("t_vp", "hocbaso_core.group_vice_principal", "Vũ Văn Phó")
        cls.u_principal, cls.e_principal = staff("t_principal", "hocbaso_core.group_principal", "Ngô Văn Hiệu")
        cls.u_clerk, cls.e_clerk = staff("t_clerk", "hocbaso_core.group_clerk", "Bùi Thị Văn")
        cls.u_it, cls.e_it = staff("t_it", "hocbaso_core.group_it_admin", "Dương Văn Tin")

        Student = cls.env["hocbaso.student"]
        cls.pupils_a = Student.create([
            {"name": "Nguyễn Văn An", "birthdate": date(2017, 3, 2), "gender": "male",
             "personal_id": "031217000101", "company_id": cls.company.id},
            {"name": "Trần Thị Bình", "birthdate": date(2017, 6, 9), "gender": "female",
             "personal_id": "031317000102", "company_id": cls.company.id},
        ])
        cls.pupils_b = Student.create([
            {"name": "Lê Minh Châu", "birthdate": date(2017, 1, 20), "gender": "female",
             "personal_id": "031317000103", "company_id": cls.company.id},
        ])
        Class = cls.env["hocbaso.class"]
        cls.class_a = Class.create({"name": "3A", "grade": 3, "school_year_id": cls.year.id,
                                    "company_id": cls.company.id, "homeroom_teacher_id": cls.e_gvcn_a.id,
                                    "student_ids": [(6, 0, cls.pupils_a.ids)]})
        cls.class_b = Class.create({"name": "3B", "grade": 3, "school_year_id": cls.year.id,
                                    "company_id": cls.company.id, "homeroom_teacher_id": cls.e_gvcn_b.id,
                                    "student_ids": [(6, 0, cls.pupils_b.ids)]})
        cls.subject = {s.code: s for s in cls.env["hocbaso.subject"].search([])}
        Assignment = cls.env["hocbaso.teaching.assignment"]
        for klass, gvcn in ((cls.class_a, cls.e_gvcn_a), (cls.class_b, cls.e_gvcn_b)):
            Assignment.create([
                {"class_id": klass.id, "subject_id": cls.subject["toan"].id, "teacher_id": cls.e_math.id},
                {"class_id": klass.id, "subject_id": cls.subject["am_nhac"].id, "teacher_id": cls.e_music.id},
                {"class_id": klass.id, "subject_id": cls.subject["tieng_viet"].id, "teacher_id": gvcn.id},
            ])
        (cls.class_a | cls.class_b).action_create_transcripts()
        cls.transcript_a1, cls.transcript_a2 = cls.class_a.transcript_ids.sorted("student_name")
        cls.transcript_b1 = cls.class_b.transcript_ids

    def line(self, transcript, code):
        return transcript.subject_result_ids.filtered(lambda r: r.subject_id.code == code)

    def fill_top(self, transcript, score="10"):
        """Every level top, every test at ``score``: the pupil is HTXS when score >= 9."""
        for line in transcript.subject_result_ids:
            vals = {f"level_{p}": "t" for p in ("gk1", "ck1", "gk2", "cn")}
            vals.update({f"score_{p}": score for p in line.subject_id.tested_points(transcript.grade)})
            line.write(vals)
        transcript.competency_result_ids.write({f"level_{p}": "t" for p in ("gk1", "ck1", "gk2", "cn")})
