from odoo import api, fields, models

from ..tools import tt27


class HocbasoSubject(models.Model):
    _name = "hocbaso.subject"
    _description = "Subject or educational activity"
    _order = "sequence, id"

    code = fields.Char("Code", required=True, help="Technical code, e.g. tieng_viet, toan.")
    name = fields.Char("Name", required=True, translate=True)
    sector_code = fields.Char("Sector code (mamonhoc)")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    grade_ids = fields.One2many("hocbaso.subject.grade", "subject_id", "Grades and periodic tests")
    grades_display = fields.Char("Grades taught", compute="_compute_grades_display")

    _code_uniq = models.Constraint("UNIQUE(code)", "The subject code must be unique.")

    @api.depends("grade_ids.grade")
    def _compute_grades_display(self):
        for subject in self:
            subject.grades_display = ", ".join(str(g) for g in sorted(subject.grade_ids.mapped("grade")))

    def _grade_line(self, grade):
        self.ensure_one()
        return self.grade_ids.filtered(lambda line: line.grade == grade)[:1]

    def tested_points(self, grade):
        """Assessment points with a periodic test for this subject in ``grade`` (from the catalogue)."""
        line = self._grade_line(grade)
        return tuple(p for p in tt27.POINTS if line and line[f"test_{p}"])

    @api.model
    def for_grade(self, grade, include_optional=False):
        lines = self.env["hocbaso.subject.grade"].search([("grade", "=", grade), ("subject_id.active", "=", True)])
        if not include_optional:
            lines = lines.filtered(lambda line: not line.optional)
        return lines.subject_id.sorted()
