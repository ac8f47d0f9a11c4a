from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class HocbasoTeachingAssignment(models.Model):
    _name = "hocbaso.teaching.assignment"
    _description = "Teaching assignment (class × subject → teacher)"
    _order = "class_id, subject_id"
    _check_company_auto = True

    class_id = fields.Many2one("hocbaso.class", "Class", required=True, ondelete="cascade", index=True,
                               check_company=True)
    subject_id = fields.Many2one("hocbaso.subject", "Subject", required=True, index=True)
    teacher_id = fields.Many2one("hr.employee", "Teacher", required=True, index=True, check_company=True)
    company_id = fields.Many2one(related="class_id.company_id", store=True, index=True)
    school_year_id = fields.Many2one(related="class_id.school_year_id", store=True)

    _class_subject_uniq = models.Constraint(
        "UNIQUE(class_id, subject_id)", "A subject has one assigned teacher per class."
    )

    @api.depends("class_id", "subject_id", "teacher_id")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = f"{rec.class_id.name} · {rec.subject_id.name} · {rec.teacher_id.name}"

    @api.constrains("class_id", "subject_id")
    def _check_subject_grade(self):
        for rec in self:
            if rec.class_id.grade not in rec.subject_id.grade_ids.mapped("grade"):
                raise ValidationError(
                    _("%(subject)s is not taught in grade %(grade)s.", subject=rec.subject_id.name,
                      grade=rec.class_id.grade)
                )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._sync_result_teachers()
        return records

    def write(self, vals):
        res = super().write(vals)
        if {"teacher_id", "class_id", "subject_id"} & set(vals):
            self._sync_result_teachers()
        return res

    def _sync_result_teachers(self):
        results = self.env["hocbaso.subject.result"].sudo().search([
            ("class_id", "in", self.class_id.ids), ("subject_id", "in", self.subject_id.ids)
        ])
        results._compute_teacher_id()

    def action_open_grid(self):
        self.ensure_one()
        action = self.class_id.action_open_subject_grid()
        action["name"] = f"{self.subject_id.name} — {self.class_id.display_name}"
        action["domain"] = [("class_id", "=", self.class_id.id), ("subject_id", "=", self.subject_id.id)]
        action["context"] = {}
        return action
