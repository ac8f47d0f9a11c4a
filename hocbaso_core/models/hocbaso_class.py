from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class HocbasoClass(models.Model):
    _name = "hocbaso.class"
    _description = "Class"
    _inherit = ["mail.thread"]
    _order = "school_year_id desc, grade, name"
    _check_company_auto = True

    name = fields.Char("Class", required=True, tracking=True, help="For example 3A.")
    code = fields.Char("Class code (sector)", help="Class code in the sector database export (Mã lớp).")
    grade = fields.Integer("Grade", required=True, tracking=True)
    school_year_id = fields.Many2one(
        "hocbaso.school.year", "School year", required=True, index=True, check_company=True, tracking=True
    )
    company_id = fields.Many2one("res.company", "School", required=True, default=lambda self: self.env.company)
    homeroom_teacher_id = fields.Many2one(
        "hr.employee", "Homeroom teacher", check_company=True, tracking=True, index=True
    )
    homeroom_user_id = fields.Many2one(related="homeroom_teacher_id.user_id", string="Homeroom teacher user")
    student_ids = fields.Many2many(
        "hocbaso.student", "hocbaso_class_student_rel", "class_id", "student_id", "Pupils", check_company=True
    )
    student_count = fields.Integer("Number of pupils", compute="_compute_counts")
    assignment_ids = fields.One2many("hocbaso.teaching.assignment", "class_id", "Teaching assignments")
    transcript_ids = fields.One2many("hocbaso.transcript", "class_id", "Transcripts")
    transcript_count = fields.Integer("Number of transcripts", compute="_compute_counts")
    active = fields.Boolean(default=True)

    _name_year_uniq = models.Constraint(
        "UNIQUE(name, school_year_id)", "A class name is used once per school year."
    )
    _grade_range = models.Constraint("CHECK(grade BETWEEN 1 AND 5)", "Primary grades are 1 to 5.")

    @api.depends("student_ids", "transcript_ids")
    def _compute_counts(self):
        for klass in self:
            klass.student_count = len(klass.student_ids)
            klass.transcript_count = len(klass.transcript_ids)

    @api.depends("name", "school_year_id.name")
    def _compute_display_name(self):
        for klass in self:
            klass.display_name = f"{klass.name} ({klass.school_year_id.name})" if klass.school_year_id else klass.name

    @api.constrains("student_ids", "school_year_id")
    def _check_one_class_per_year(self):
        for klass in self:
            if not klass.student_ids:
                continue
            self.env.cr.execute(
                """
                SELECT s.student_id FROM hocbaso_class_student_rel s
                JOIN hocbaso_class c ON c.id = s.class_id
                WHERE c.school_year_id = %s AND s.student_id IN %s
                GROUP BY s.student_id HAVING COUNT(*) > 1 LIMIT 1
                """,
                (klass.school_year_id.id, tuple(klass.student_ids.ids)),
            )
            row = self.env.cr.fetchone()
            if row:
                student = self.env["hocbaso.student"].browse(row[0])
                raise ValidationError(
                    _("%(pupil)s already belongs to another class in school year %(year)s.",
                      pupil=student.name, year=klass.school_year_id.name)
                )

    def action_create_transcripts(self):
        """Create the missing transcripts of the class's pupils (one per pupil and year)."""
        Transcript = self.env["hocbaso.transcript"]
        for klass in self:
            existing = set(Transcript.search([
                ("school_year_id", "=", klass.school_year_id.id), ("student_id", "in", klass.student_ids.ids)
            ]).student_id.ids)
            vals = [{"student_id": s.id, "class_id": klass.id} for s in klass.student_ids if s.id not in existing]
            if vals:
                Transcript.create(vals)
                klass.message_post(body=_("%(count)s transcripts created.", count=len(vals)))
        return True

    def _open_grid(self, model, name, extra_context=None):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list",
            "views": [(self.env.ref(f"hocbaso_core.{model.replace('.', '_')}_view_grid").id, "list")],
            "domain": [("class_id", "=", self.id)],
            "context": {"search_default_group_subject": 1, **(extra_context or {})},
        }

    def action_open_subject_grid(self):
        return self._open_grid(
            "hocbaso.subject.result", _("Subject results — %(klass)s", klass=self.display_name)
        )

    def action_open_competency_grid(self):
        return self._open_grid(
            "hocbaso.competency.result", _("Qualities and competencies — %(klass)s", klass=self.display_name),
            {"search_default_group_competency": 1},
        )
