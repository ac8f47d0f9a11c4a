"""Demo school generator: one fictional primary school in Hải Phòng, school year 2025-2026.

Called once from ``demo/hocbaso_demo.xml`` (``<function model="hocbaso.demo"
name="_generate_demo_school"/>``) when the module is installed with demo data. Everything is
deterministic (``random.Random(2025)``) and created in batches so that it stays fast.

Logins (password = login, language vi_VN):

* ``hieutruong`` principal, ``phohieutruong`` vice principal, ``totruong`` team leader (no class),
  ``cntt`` IT administrator, ``vanthu`` clerk;
* ``gvcn1a`` … ``gvcn5b`` homeroom teachers (each teaches Tiếng Việt, Toán, Đạo đức, TN-XH or
  LS-ĐL + Khoa học, HĐTN of their class);
* ``gvtienganh``, ``gvamnhac``, ``gvmithuat``, ``gvtheduc``, ``gvtinhoc`` subject teachers;
* ``phuhuynh1`` … ``phuhuynh13`` portal parents (1-10: pupils of 1A; 11-13: the edge-case pupils).

Edge cases (external ids, see ``tests/test_demo.py``):

* ``demo_student_edge_ht``: grade 4, all T/Tốt and every end-of-year score 10 but Âm nhạc H -> HT;
* ``demo_student_edge_cht``: grade 2, Tiếng Việt end-of-year score 4 -> CHT (summer re-assessment);
* ``demo_student_edge_xuat_sac``: grade 5, HTXS with the "Học sinh Xuất sắc" commendation.
"""

import logging
import random
import time
from collections import defaultdict
from datetime import date, timedelta

from odoo import api, models

from ..tools import personal_id as pid

_logger = logging.getLogger(__name__)

MODULE = "hocbaso_core"
YEAR_NAME = "2025-2026"
POINTS = ("gk1", "ck1", "gk2", "cn")
CLASS_NAMES = [f"{grade}{letter}" for grade in range(1, 6) for letter in "AB"]

FAMILY_NAMES = [
    ("Nguyễn", 30), ("Trần", 12), ("Lê", 10), ("Phạm", 8), ("Hoàng", 5), ("Vũ", 5), ("Võ", 3), ("Đặng", 4),
    ("Bùi", 4), ("Đỗ", 4), ("Hồ", 2), ("Ngô", 3), ("Dương", 2), ("Lý", 1), ("Đinh", 2), ("Phan", 3),
]
MALE_MIDDLE = ["Văn", "Minh", "Gia", "Đức", "Quang", "Hoàng", "Anh", "Bảo", "Thành", "Hữu", "Tuấn", "Đăng",
               "Nhật", "Trung", "Thanh"]
FEMALE_MIDDLE = ["Thị", "Ngọc", "Thu", "Minh", "Bảo", "Khánh", "Thanh", "Phương", "Gia", "Mai", "Hồng", "Diệu",
                 "Thùy", "Hải", "Tuệ"]
MALE_GIVEN = ["An", "Bảo", "Minh", "Khang", "Phúc", "Huy", "Dũng", "Hưng", "Khôi", "Nam", "Long", "Quân",
              "Tuấn", "Đăng", "Duy", "Hiếu", "Kiên", "Lâm", "Nhật", "Phong", "Sơn", "Thành", "Trung", "Vinh",
              "Hoàng", "Khoa", "Đạt", "Tùng", "Quang", "Thịnh", "Vũ", "Tiến", "Hải", "Lộc", "Nguyên"]
FEMALE_GIVEN = ["Anh", "Chi", "Hà", "Hân", "Hương", "Lan", "Linh", "Mai", "My", "Ngân", "Ngọc", "Nhi", "Oanh",
                "Phương", "Quỳnh", "Tâm", "Thảo", "Trang", "Uyên", "Vy", "Yến", "Hoa", "Nhung", "Thư", "Trâm",
                "Giang", "Hằng", "Khuê", "Diệp", "Châu", "Ly", "An", "Như", "Vân", "Hạnh"]
PARENT_MALE_MIDDLE = ["Văn", "Đức", "Quang", "Hữu", "Minh", "Xuân", "Thanh", "Công", "Mạnh", "Tiến"]
PARENT_FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Kim", "Bích", "Minh"]

# Staff: (login, full name, gender, position, groups (xml ids), job title)
LEADERS = [
    ("hieutruong", "Nguyễn Văn Thắng", "male", "principal", ["group_principal"], "Hiệu trưởng"),
    ("phohieutruong", "Trần Thị Thu Hà", "female", "vice_principal", ["group_vice_principal"], "Phó hiệu trưởng"),
    ("totruong", "Lê Thị Minh Nguyệt", "female", "team_leader", ["group_team_leader"],
     "Tổ trưởng chuyên môn"),
    ("cntt", "Phạm Quốc Bảo", "male", "it_admin", ["group_it_admin"], "Cán bộ phụ trách công nghệ thông tin"),
    ("vanthu", "Đỗ Thị Lan", "female", "clerk", ["group_clerk"], "Văn thư"),
]
HOMEROOM_NAMES = {
    "1A": "Nguyễn Thị Hồng Nhung", "1B": "Vũ Thị Thanh Huyền", "2A": "Bùi Thị Mai Anh",
    "2B": "Hoàng Thị Ngọc Lan", "3A": "Đặng Thị Thu Trang", "3B": "Phạm Văn Hùng", "4A": "Ngô Thị Kim Oanh",
    "4B": "Trần Thị Bích Ngọc", "5A": "Lê Văn Tuấn", "5B": "Dương Thị Hải Yến",
}
# login, name, gender, subject code, job title
SPECIALISTS = [
    ("gvtienganh", "Hồ Thị Phương Thảo", "female", "ngoai_ngu_1", "Giáo viên Tiếng Anh"),
    ("gvamnhac", "Đinh Văn Khánh", "male", "am_nhac", "Giáo viên Âm nhạc"),
    ("gvmithuat", "Lý Thị Diệu Linh", "female", "mi_thuat", "Giáo viên Mĩ thuật"),
    ("gvtheduc", "Trần Văn Cường", "male", "giao_duc_the_chat", "Giáo viên Giáo dục thể chất"),
    ("gvtinhoc", "Phan Minh Đức", "male", "tin_hoc_cong_nghe", "Giáo viên Tin học và Công nghệ"),
]
HOMEROOM_SUBJECTS = ("tieng_viet", "toan", "dao_duc", "tu_nhien_xa_hoi", "lich_su_dia_li", "khoa_hoc",
                     "hoat_dong_trai_nghiem")

SUBJECT_COMMENTS = {
    "t": ["Em học tốt, cần phát huy.", "Tiếp thu bài nhanh, vận dụng tốt.",
          "Hoàn thành tốt các nội dung học tập.", "Em tích cực, hăng hái phát biểu xây dựng bài."],
    "h": ["Em hoàn thành bài, cần cẩn thận hơn khi làm bài.", "Cần tích cực luyện tập thêm ở nhà.",
          "Em nắm được kiến thức cơ bản, cần chú ý hơn trong giờ học."],
    "c": ["Em chưa hoàn thành nội dung học tập, cần được giúp đỡ thêm."],
}
COMPETENCY_COMMENTS = {
    "t": ["Mạnh dạn, tự tin khi giao tiếp.", "Biết giúp đỡ bạn bè.", "Tự giác, có trách nhiệm với công việc.",
          "Chăm chỉ, đi học đều và đúng giờ."],
    "d": ["Cần mạnh dạn hơn khi phát biểu.", "Cần tự giác hơn trong học tập.",
          "Cần tích cực hợp tác với bạn khi làm việc nhóm."],
    "c": ["Cần cố gắng nhiều hơn, gia đình cần phối hợp nhắc nhở em."],
}
HOMEROOM_COMMENTS = {
    "htxs": ["Em học rất tốt, chăm ngoan, là tấm gương cho các bạn noi theo.",
             "Em tiếp thu bài nhanh, hoàn thành xuất sắc các nhiệm vụ học tập và rèn luyện."],
    "htt": ["Em học tốt, cần phát huy.", "Em chăm chỉ, tích cực phát biểu xây dựng bài, hoàn thành tốt chương trình."],
    "ht": ["Em hoàn thành chương trình lớp học, cần cố gắng hơn nữa.",
           "Em ngoan, lễ phép; cần rèn chữ viết và tính cẩn thận hơn."],
    "cht": ["Em chưa hoàn thành chương trình lớp học, cần rèn luyện thêm trong hè để được đánh giá bổ sung."],
}


class HocbasoDemo(models.AbstractModel):
    _name = "hocbaso.demo"
    _description = "Demo data generator"

    # ------------------------------------------------------------------ entry point
    @api.model
    def _generate_demo_school(self):
        started = time.monotonic()
        if not self.env.su:
            self = self.sudo()
        _logger.info("hocbaso demo: generating the demo school (superuser=%s)", self.env.su)
        self = self.with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
                                 no_reset_password=True)
        company = self.env.ref("base.main_company")
        if self.env["hocbaso.school.year"].search_count([("name", "=", YEAR_NAME), ("company_id", "=", company.id)]):
            _logger.info("hocbaso demo: school year %s already exists, nothing to do", YEAR_NAME)
            return False
        rng = random.Random(2025)
        self._demo_company(company)
        staff = self._demo_staff(company)
        year = self.env["hocbaso.school.year"].create({
            "name": YEAR_NAME, "date_start": date(2025, 9, 5), "date_end": date(2026, 5, 31),
            "company_id": company.id,
        })
        students = self._demo_students(rng, company)
        classes = self._demo_classes(year, staff, students, company)
        edges = self._demo_edge_students(classes)
        t0 = time.monotonic()
        classes.action_create_transcripts()
        _logger.info("hocbaso demo: transcripts created in %.1fs", time.monotonic() - t0)
        transcripts = self.env["hocbaso.transcript"].search([("school_year_id", "=", year.id)])
        self._demo_fill_results(rng, transcripts, edges)
        self._demo_comments_and_commendations(rng, transcripts)
        self._demo_parents(classes, edges)
        self._demo_xmlids(year, classes, edges)
        _logger.info("hocbaso demo: %s pupils, %s transcripts, generated in %.1fs",
                     len(students), len(transcripts), time.monotonic() - started)
        return True

    # ------------------------------------------------------------------ helpers
    @api.model
    def _pick_family(self, rng):
        names, weights = zip(*FAMILY_NAMES, strict=True)
        return rng.choices(names, weights)[0]

    @api.model
    def _full_name(self, rng, family, middles, givens):
        """Family + middle + given name, never repeating a word (no "Nguyễn Minh Minh")."""
        while True:
            middle, given = rng.choice(middles), rng.choice(givens)
            if len({family, middle, given}) == 3:
                return f"{family} {middle} {given}"

    # ------------------------------------------------------------------ company and staff
    def _demo_company(self, company):
        lang = self.env["res.lang"]._activate_lang("vi_VN")
        if not lang:
            self.env["res.lang"]._create_lang("vi_VN")
        company.write({
            "name": "Trường Tiểu học Lê Văn Tám",
            "street": "Số 18 đường Lê Văn Tám",
            "city": "Hải Phòng",
            "country_id": self.env.ref("base.vn").id,
            "hocbaso_place_name": "Hải Phòng",
            "hocbaso_school_code": "31000101",
            "hocbaso_department_code": "31",
        })
        self.env.ref("base.user_admin").write({"lang": "vi_VN"})

    def _demo_staff(self, company):
        """Create the users and employees; return {login: hr.employee}."""
        ref = self.env.ref
        rows = []  # (login, name, position, group xml ids, job title)
        rows += [(login, name, pos, groups, job) for login, name, _g, pos, groups, job in LEADERS]
        rows += [(f"gvcn{klass.lower()}", name, "teacher", ["group_homeroom_teacher"],
                  f"Giáo viên chủ nhiệm lớp {klass}") for klass, name in HOMEROOM_NAMES.items()]
        rows += [(login, name, "teacher", ["group_subject_teacher"], job)
                 for login, name, _g, _s, job in SPECIALISTS]
        t0 = time.monotonic()
        users = self.env["res.users"].create([{
            "name": name,
            "login": login,
            "password": login,
            "email": f"{login}@example.com",
            "lang": "vi_VN",
            "company_id": company.id,
            "company_ids": [(6, 0, [company.id])],
            "group_ids": [(6, 0, [ref(f"{MODULE}.{g}").id for g in groups])],
        } for login, name, _pos, groups, _job in rows])
        employees = self.env["hr.employee"].create([{
            "name": name,
            "user_id": user.id,
            "company_id": company.id,
            "hocbaso_position": pos,
            "job_title": job,
            "work_email": user.email,
        } for (_login, name, pos, _groups, job), user in zip(rows, users, strict=True)])
        staff = {row[0]: emp for row, emp in zip(rows, employees, strict=True)}
        company.hocbaso_principal_id = staff["hieutruong"]
        _logger.info("hocbaso demo: %s staff users created in %.1fs", len(users), time.monotonic() - t0)
        return staff

    # ------------------------------------------------------------------ pupils and classes
    def _demo_students(self, rng, company):
        """Create the pupils; return a list of (class name, student) in creation order."""
        school_code = company.hocbaso_school_code or "31000101"
        sizes = {name: rng.randint(28, 32) for name in CLASS_NAMES}
        total = sum(sizes.values())
        serials = rng.sample(range(1000, 999_999), total)
        no_id = set(rng.sample(range(total), max(1, round(total * 0.02))))
        minority = {i: rng.choice(["Tày", "Mường"]) for i in rng.sample(range(total), 3)}
        vals_list, class_of = [], []
        index = 0
        for class_name in CLASS_NAMES:
            grade = int(class_name[0])
            birth_year = 2020 - grade if grade > 1 else 2019
            for _i in range(sizes[class_name]):
                gender = rng.choice(["male", "female"])
                family = self._pick_family(rng)
                if gender == "male":
                    name = self._full_name(rng, family, MALE_MIDDLE, MALE_GIVEN)
                else:
                    name = self._full_name(rng, family, FEMALE_MIDDLE, FEMALE_GIVEN)
                birthdate = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
                father = self._full_name(rng, family, PARENT_MALE_MIDDLE, MALE_GIVEN)
                mother = self._full_name(rng, self._pick_family(rng), PARENT_FEMALE_MIDDLE, FEMALE_GIVEN)
                province = rng.choices(["031", "001", "030"], [92, 4, 4])[0]
                vals = {
                    "name": name,
                    "birthdate": birthdate,
                    "gender": gender,
                    "student_code": f"{school_code}{index + 1:05d}",
                    "father_name": father,
                    "mother_name": mother,
                    "ethnicity": minority.get(index, "Kinh"),
                    "company_id": company.id,
                    "city": "Hải Phòng",
                    "status": "dang_hoc",
                }
                if index not in no_id:
                    vals["personal_id"] = pid.make_id(province, birthdate, gender, serials[index])
                    vals["id_check_state"] = "matched" if rng.random() < 0.75 else "valid_format"
                vals_list.append(vals)
                class_of.append(class_name)
                index += 1
        t0 = time.monotonic()
        students = self.env["hocbaso.student"].create(vals_list)
        _logger.info("hocbaso demo: %s pupils created in %.1fs", len(students), time.monotonic() - t0)
        return list(zip(class_of, students, strict=True))

    def _demo_classes(self, year, staff, students, company):
        by_class = defaultdict(list)
        for class_name, student in students:
            by_class[class_name].append(student.id)
        classes = self.env["hocbaso.class"].create([{
            "name": name,
            "code": name,
            "grade": int(name[0]),
            "school_year_id": year.id,
            "company_id": company.id,
            "homeroom_teacher_id": staff[f"gvcn{name.lower()}"].id,
            "student_ids": [(6, 0, by_class[name])],
        } for name in CLASS_NAMES])
        Subject = self.env["hocbaso.subject"]
        specialist_by_subject = {subject: staff[login] for login, _n, _g, subject, _j in SPECIALISTS}
        assignments = []
        for klass in classes:
            for subject in Subject.for_grade(klass.grade):
                if subject.code in HOMEROOM_SUBJECTS:
                    teacher = klass.homeroom_teacher_id
                elif subject.code in specialist_by_subject:
                    teacher = specialist_by_subject[subject.code]
                else:
                    continue
                assignments.append({"class_id": klass.id, "subject_id": subject.id, "teacher_id": teacher.id})
        self.env["hocbaso.teaching.assignment"].create(assignments)
        return classes

    def _demo_edge_students(self, classes):
        """The pupils whose results are forced (first pupil created in 4A, 2A and 5A)."""
        by_name = {klass.name: klass for klass in classes}

        def first(class_name):
            return by_name[class_name].student_ids.sorted("id")[:1]

        return {"ht": first("4A"), "cht": first("2A"), "xuat_sac": first("5A")}

    # ------------------------------------------------------------------ results
    def _demo_fill_results(self, rng, transcripts, edges):
        t0 = time.monotonic()
        edge_by_student = {student.id: key for key, student in edges.items()}
        subject_values, competency_values = {}, {}
        for transcript in transcripts:
            profile = rng.choices(["excellent", "good", "fair", "weak"], [36, 26, 35, 3])[0]
            edge = edge_by_student.get(transcript.student_id.id)
            if edge:
                profile = "excellent"
            lines = transcript.subject_result_ids.sorted("id")
            tested = {line.id: line.subject_id.tested_points(transcript.grade) for line in lines}
            tested_lines = [line for line in lines if "cn" in tested[line.id]]
            # Which line breaks the profile: an 'h' level, a score of 7-8, a score below 5 or a 'c'.
            weak_line = rng.choice(lines) if profile == "weak" else None
            weak_kind = rng.choice(["score", "score", "level"]) if profile == "weak" else None
            if weak_kind == "score" and weak_line not in tested_lines:
                weak_line = rng.choice(tested_lines)
            good_line = rng.choice(tested_lines) if profile == "good" else None
            for line in lines:
                code = line.subject_id.code
                vals = {}
                for point in POINTS:
                    vals[f"level_{point}"] = self._demo_level(rng, profile, point)
                    if point in tested[line.id]:
                        vals[f"score_{point}"] = self._demo_score(rng, profile, point)
                if profile == "fair" and rng.random() < 0.35:
                    vals["level_cn"] = "h"
                if line == good_line:
                    vals["score_cn"] = rng.choice([7, 8])
                if line == weak_line:
                    if weak_kind == "score":
                        vals["score_cn"] = rng.choice([3, 4])
                        vals["level_cn"] = "h"
                    else:
                        vals["level_cn"] = "c"
                if edge:
                    vals = {f"level_{p}": "t" for p in POINTS}
                    vals.update({f"score_{p}": 10 if edge == "ht" else rng.choice([9, 10])
                                 for p in tested[line.id]})
                    if edge == "ht" and code == "am_nhac":
                        vals["level_ck1"] = vals["level_cn"] = "h"
                        vals["comment"] = "Em cần mạnh dạn hơn khi biểu diễn và luyện tập thêm các bài hát."
                    if edge == "cht" and code == "tieng_viet":
                        vals.update(level_cn="h", score_cn=4, score_ck1=5)
                        vals["comment"] = "Em đọc còn chậm, viết sai chính tả nhiều; cần rèn luyện thêm trong hè."
                if "comment" not in vals and rng.random() < 0.3:
                    vals["comment"] = rng.choice(SUBJECT_COMMENTS[vals["level_cn"]])
                subject_values[line.id] = {k: (str(v) if k.startswith("score_") else v) for k, v in vals.items()}
            weak_competency = None
            if profile == "weak" and weak_kind == "level" and rng.random() < 0.5:
                weak_competency = rng.choice(transcript.competency_result_ids)
            for line in transcript.competency_result_ids:
                vals = {f"level_{point}": self._demo_competency_level(rng, profile, point) for point in POINTS}
                if line == weak_competency:
                    vals["level_cn"] = "c"
                if edge:
                    vals = {f"level_{p}": "t" for p in POINTS}
                if rng.random() < 0.15:
                    vals["comment"] = rng.choice(COMPETENCY_COMMENTS[vals["level_cn"]])
                competency_values[line.id] = vals
        self._write_by_value(self.env["hocbaso.subject.result"], subject_values)
        self._write_by_value(self.env["hocbaso.competency.result"], competency_values)
        self.env.flush_all()
        _logger.info("hocbaso demo: results of %s transcripts filled in %.1fs", len(transcripts),
                     time.monotonic() - t0)

    @api.model
    def _demo_level(self, rng, profile, point):
        if profile in ("excellent", "good"):
            # Top pupils are T at the end of the year; earlier points may still be H.
            return "t" if point == "cn" or rng.random() < 0.9 else "h"
        if profile == "fair":
            return "t" if rng.random() < 0.55 else "h"
        return rng.choices(["t", "h", "c"], [35, 55, 10])[0]

    @api.model
    def _demo_competency_level(self, rng, profile, point):
        if profile in ("excellent", "good"):
            return "t" if point == "cn" or rng.random() < 0.9 else "d"
        if profile == "fair":
            return "t" if rng.random() < 0.6 else "d"
        return "t" if rng.random() < 0.35 else "d"

    @api.model
    def _demo_score(self, rng, profile, point):
        if profile == "excellent":
            score = rng.choices([9, 10], [45, 55])[0] if point == "cn" else rng.choice([8, 9, 9, 10, 10])
        elif profile == "good":
            score = rng.choices([8, 9, 10], [30, 40, 30])[0] if point == "cn" else rng.choice([7, 8, 9, 10])
        elif profile == "fair":
            score = rng.choices([5, 6, 7, 8, 9], [8, 20, 32, 28, 12])[0]
        else:
            score = rng.choices([4, 5, 6, 7, 8], [5, 25, 35, 25, 10])[0] if point != "cn" else rng.choice([5, 6, 7])
        return score

    @api.model
    def _write_by_value(self, model, values_by_id):
        """Write ``{id: {field: value}}`` with one write per (field, value) instead of per record."""
        groups = defaultdict(list)
        for rec_id, vals in values_by_id.items():
            for field, value in vals.items():
                groups[(field, value)].append(rec_id)
        for (field, value), ids in groups.items():
            model.browse(ids).write({field: value})

    def _demo_comments_and_commendations(self, rng, transcripts):
        t0 = time.monotonic()
        comments = defaultdict(list)
        for transcript in transcripts:
            if transcript.result:
                comments[rng.choice(HOMEROOM_COMMENTS[transcript.result])].append(transcript.id)
        for comment, ids in comments.items():
            self.env["hocbaso.transcript"].browse(ids).write({"homeroom_comment": comment})
        transcripts.filtered(lambda t: t.result == "htxs").action_apply_proposed_commendation()
        _logger.info("hocbaso demo: comments and commendations in %.1fs", time.monotonic() - t0)

    # ------------------------------------------------------------------ portal parents
    def _demo_parents(self, classes, edges):
        t0 = time.monotonic()
        class_1a = classes.filtered(lambda c: c.name == "1A")
        students = class_1a.student_ids.sorted("id")[:10]
        for key in ("ht", "cht", "xuat_sac"):
            students |= edges[key]
        partner_vals = []
        for number, student in enumerate(students, start=1):
            use_mother = number % 3 != 0
            partner_vals.append({
                "name": student.mother_name if use_mother else student.father_name,
                "email": f"phuhuynh{number}@example.com",
                "city": "Hải Phòng",
                "country_id": self.env.ref("base.vn").id,
                "lang": "vi_VN",
            })
        partners = self.env["res.partner"].create(partner_vals)
        portal = self.env.ref("base.group_portal")
        self.env["res.users"].create([{
            "login": f"phuhuynh{number}",
            "password": f"phuhuynh{number}",
            "partner_id": partner.id,
            "lang": "vi_VN",
            "group_ids": [(6, 0, [portal.id])],
        } for number, partner in enumerate(partners, start=1)])
        for student, partner in zip(students, partners, strict=True):
            student.parent_ids = [(4, partner.id)]
        _logger.info("hocbaso demo: %s portal parents created in %.1fs", len(partners), time.monotonic() - t0)

    def _demo_xmlids(self, year, classes, edges):
        data = [{"xml_id": f"{MODULE}.demo_school_year", "record": year, "noupdate": True}]
        data += [{"xml_id": f"{MODULE}.demo_class_{klass.name.lower()}", "record": klass, "noupdate": True}
                 for klass in classes]
        data += [{"xml_id": f"{MODULE}.demo_student_edge_{key}", "record": student, "noupdate": True}
                 for key, student in edges.items()]
        self.env["ir.model.data"]._update_xmlids(data)
