from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import tt27
from ..tools.errors import RuleError

SUBJECT_LEVELS = [("t", "Completed well"), ("h", "Completed"), ("c", "Not completed")]
SCORES = [(str(i), str(i)) for i in range(11)]
LEVEL_FIELDS = tuple(f"level_{p}" for p in tt27.POINTS)
SCORE_FIELDS = tuple(f"score_{p}" for p in tt27.POINTS)


class HocbasoSubjectResult(models.Model):
    """Assessment of one subject for one pupil over one school year (TT 27 Art. 6-7).

    Scores are whole numbers 0-10 stored as the selection values '0'..'10', so that an
    empty score stays distinct from a score of 0.
    """

    _name = "hocbaso.subject.result"
    _description = "Subject result"
    _order = "class_id, subject_sequence, student_name, id"

    transcript_id = fields.Many2one("hocbaso.transcript", "Transcript", required=True, ondelete="cascade", index=True)
    subject_id = fields.Many2one("hocbaso.subject", "Subject", required=True, index=True, ondelete="restrict")
    subject_sequence = fields.Integer(related="subject_id.sequence", store=True)
    student_id = fields.Many2one(related="transcript_id.student_id", store=True, index=True, string="Pupil")
    student_name = fields.Char(related="student_id.name", store=True, string="Pupil name")
    class_id = fields.Many2one(related="transcript_id.class_id", store=True, index=True, string="Class")
    grade = fields.Integer(related="transcript_id.grade", store=True, string="Grade")
    school_year_id = fields.Many2one(related="transcript_id.school_year_id", store=True, string="School year")
    company_id = fields.Many2one(related="transcript_id.company_id", store=True, index=True, string="School")
    teacher_id = fields.Many2one("hr.employee", "Teacher", compute="_compute_teacher_id", store=True, index=True)
    level_gk1 = fields.Selection(SUBJECT_LEVELS, "Level mid-term I")
    level_ck1 = fields.Selection(SUBJECT_LEVELS, "Level end of term I")
    level_gk2 = fields.Selection(SUBJECT_LEVELS, "Level mid-term II")
    level_cn = fields.Selection(SUBJECT_LEVELS, "Level end of year")
    score_gk1 = fields.Selection(SCORES, "Score mid-term I")
    score_ck1 = fields.Selection(SCORES, "Score end of term I")
    score_gk2 = fields.Selection(SCORES, "Score mid-term II")
    score_cn = fields.Selection(SCORES, "Score end of year")
    has_test_gk1 = fields.Boolean("Tested mid-term I", compute="_compute_has_test")
    has_test_ck1 = fields.Boolean("Tested end of term I", compute="_compute_has_test")
    has_test_gk2 = fields.Boolean("Tested mid-term II", compute="_compute_has_test")
    has_test_cn = fields.Boolean("Tested end of year", compute="_compute_has_test")
    comment = fields.Text("Comment")

    _transcript_subject_uniq = models.Constraint(
        "UNIQUE(transcript_id, subject_id)", "A subject appears once per transcript."
    )

    @api.depends("class_id", "subject_id", "class_id.assignment_ids.teacher_id")
    def _compute_teacher_id(self):
        assignments = self.env["hocbaso.teaching.assignment"].sudo().search([
            ("class_id", "in", self.class_id.ids), ("subject_id", "in", self.subject_id.ids)
        ])
        teacher_by_key = {(a.class_id.id, a.subject_id.id): a.teacher_id for a in assignments}
        for result in self:
            result.teacher_id = teacher_by_key.get((result.class_id.id, result.subject_id.id), False)

    @api.depends("subject_id", "grade")
    def _compute_has_test(self):
        for result in self:
            points = result.subject_id.tested_points(result.grade) if result.subject_id else ()
            for point in tt27.POINTS:
                result[f"has_test_{point}"] = point in points

    # ------------------------------------------------------------------ validation of raw input
    def _clean_vals(self, vals, subject, grade):
        """Check levels and scores before Odoo converts them (so 7.5 is refused, not truncated)."""
        vals = dict(vals)
        tested = subject.tested_points(grade) if subject else ()
        try:
            for point in tt27.POINTS:
                level_key, score_key = f"level_{point}", f"score_{point}"
                if level_key in vals:
                    vals[level_key] = tt27.check_level(vals[level_key], "subject")
                if score_key in vals:
                    score = tt27.check_score(vals[score_key], point in tested, subject.name, point)
                    vals[score_key] = False if score is False else str(score)
        except RuleError as err:
            raise ValidationError(
                _("%(pupil)s — %(subject)s: %(error)s", pupil=self._pupil_label(vals), subject=subject.name,
                  error=err.translate(self.env.lang))
            ) from err
        return vals

    def _pupil_label(self, vals):
        if self:
            return self.student_id.name
        transcript = self.env["hocbaso.transcript"].browse(vals.get("transcript_id"))
        return transcript.student_id.name or ""

    @api.model_create_multi
    def create(self, vals_list):
        cleaned = []
        for vals in vals_list:
            subject = self.env["hocbaso.subject"].browse(vals.get("subject_id"))
            grade = self.env["hocbaso.transcript"].browse(vals.get("transcript_id")).grade
            cleaned.append(self._clean_vals(vals, subject, grade))
        return super().create(cleaned)

    def write(self, vals):
        if not (set(vals) & set(LEVEL_FIELDS + SCORE_FIELDS)) or "subject_id" in vals:
            return super().write(vals)
        # Group by (subject, grade): the same cleaned values apply to the whole group.
        groups = {}
        for result in self:
            groups.setdefault((result.subject_id, result.grade), self.browse())
            groups[(result.subject_id, result.grade)] |= result
        for (subject, grade), records in groups.items():
            super(HocbasoSubjectResult, records).write(records[:1]._clean_vals(vals, subject, grade))
        return True

    @api.constrains(*SCORE_FIELDS)
    def _check_scores_tested(self):
        for result in self:
            tested = result.subject_id.tested_points(result.grade)
            for point in tt27.POINTS:
                if result[f"score_{point}"] and point not in tested:
                    raise ValidationError(
                        _("%(subject)s has no periodic test at %(point)s in grade %(grade)s.",
                          subject=result.subject_id.name, point=result._point_label(point), grade=result.grade)
                    )

    def _point_label(self, point):
        return {
            "gk1": _("mid-term I"), "ck1": _("end of term I"), "gk2": _("mid-term II"), "cn": _("end of year"),
        }[point]

    def score_value(self, point):
        """The score at ``point`` as an int, or None when not entered."""
        self.ensure_one()
        value = self[f"score_{point}"]
        return int(value) if value else None
