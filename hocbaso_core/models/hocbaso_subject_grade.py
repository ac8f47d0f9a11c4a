from odoo import fields, models


class HocbasoSubjectGrade(models.Model):
    _name = "hocbaso.subject.grade"
    _description = "Subject taught in a grade, with its periodic tests"
    _order = "subject_id, grade"

    subject_id = fields.Many2one("hocbaso.subject", "Subject", required=True, ondelete="cascade", index=True)
    grade = fields.Integer("Grade", required=True)
    optional = fields.Boolean("Optional", help="Optional subject: not added automatically to transcripts.")
    test_gk1 = fields.Boolean("Test mid-term I")
    test_ck1 = fields.Boolean("Test end of term I")
    test_gk2 = fields.Boolean("Test mid-term II")
    test_cn = fields.Boolean("Test end of year")

    _subject_grade_uniq = models.Constraint("UNIQUE(subject_id, grade)", "A subject is listed once per grade.")
    _grade_range = models.Constraint("CHECK(grade BETWEEN 1 AND 5)", "Primary grades are 1 to 5.")
