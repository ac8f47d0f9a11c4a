from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import tt27
from ..tools.errors import RuleError

RESULTS = [("htxs", "Completed excellently"), ("htt", "Completed well"), ("ht", "Completed"), ("cht", "Not completed")]
COMMENDATIONS = [("xuat_sac", "Excellent pupil"), ("tieu_bieu", "Outstanding pupil in learning and training")]
STATES = [
    ("draft", "Data entry"),
    ("ready", "Ready to sign"),
    ("homeroom_signed", "Signed by homeroom teacher"),
    ("checked", "Checked"),
    ("principal_signed", "Signed by principal"),
    ("issued", "Issued"),
]
# Fields the class's homeroom teacher may write (comments, proposals, summer re-assessment).
HOMEROOM_FIELDS = {
    "homeroom_comment", "commendation", "commendation_note", "reassessment_result", "reassessment_date",
    "reassessment_comment", "note",
}
PRINCIPAL_FIELDS = HOMEROOM_FIELDS | {"promotion", "state"}


class HocbasoTranscript(models.Model):
    """One year page of a pupil's học bạ (one per pupil and school year)."""

    _name = "hocbaso.transcript"
    _description = "Transcript (học bạ year page)"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "school_year_id desc, class_id, student_name, id"
    _check_company_auto = True

    name = fields.Char("Reference", compute="_compute_name", store=True)
    student_id = fields.Many2one("hocbaso.student", "Pupil", required=True, index=True, ondelete="restrict",
                                 tracking=True)
    student_name = fields.Char(related="student_id.name", store=True, string="Pupil name")
    class_id = fields.Many2one("hocbaso.class", "Class", required=True, index=True, ondelete="restrict",
                               check_company=True, tracking=True)
    school_year_id = fields.Many2one(related="class_id.school_year_id", store=True, index=True, string="School year")
    grade = fields.Integer(related="class_id.grade", store=True, string="Grade")
    company_id = fields.Many2one(related="class_id.company_id", store=True, index=True, string="School")
    homeroom_teacher_id = fields.Many2one(related="class_id.homeroom_teacher_id", string="Homeroom teacher")
    subject_result_ids = fields.One2many("hocbaso.subject.result", "transcript_id", "Subject results")
    competency_result_ids = fields.One2many("hocbaso.competency.result", "transcript_id",
                                            "Qualities and competencies")
    result = fields.Selection(RESULTS, "Year-end result", compute="_compute_result", store=True, tracking=True,
                              help="Computed from the end-of-year assessment (TT 27 Art. 9).")
    result_missing = fields.Text("Missing for the result", compute="_compute_result", store=True)
    reassessment_result = fields.Selection(RESULTS, "Result after re-assessment", tracking=True,
                                           help="Supplementary (summer) re-assessment of a pupil not completing "
                                                "the grade; the first result is kept.")
    reassessment_date = fields.Date("Re-assessment date")
    reassessment_comment = fields.Text("Re-assessment comment")
    final_result = fields.Selection(RESULTS, "Final result", compute="_compute_final", store=True)
    completed_grade = fields.Boolean("Completed the grade", compute="_compute_final", store=True)
    completed_primary = fields.Boolean("Completed primary education", compute="_compute_final", store=True)
    promotion = fields.Selection([("promoted", "Promoted"), ("retained", "Retained")], "Promotion",
                                 compute="_compute_final", store=True, readonly=False, tracking=True,
                                 help="Decided by the principal for pupils still not completing the grade.")
    commendation = fields.Selection(COMMENDATIONS, "Commendation", tracking=True)
    proposed_commendation = fields.Selection(COMMENDATIONS, "Proposed commendation",
                                             compute="_compute_proposed_commendation")
    commendation_note = fields.Text("Commendation details")
    homeroom_comment = fields.Text("Homeroom teacher's comment")
    note = fields.Text("Internal note")
    state = fields.Selection(STATES, "Status", default="draft", required=True, tracking=True, index=True)

    _student_year_uniq = models.Constraint(
        "UNIQUE(student_id, school_year_id)", "A pupil has one transcript per school year."
    )

    @api.depends("student_id.name", "school_year_id.name", "class_id.name")
    def _compute_name(self):
        for rec in self:
            rec.name = f"{rec.student_id.name} — {rec.class_id.name} — {rec.school_year_id.name}"

    @api.depends(
        "subject_result_ids.level_cn", "subject_result_ids.score_cn", "competency_result_ids.level_cn", "grade",
    )
    def _compute_result(self):
        for rec in self:
            subjects, scores = {}, {}
            for line in rec.subject_result_ids:
                subjects[line.subject_id.code] = line.level_cn or None
                if "cn" in line.subject_id.tested_points(rec.grade):
                    scores[line.subject_id.code] = line.score_value("cn")
            competencies = {line.competency_id.code: line.level_cn or None for line in rec.competency_result_ids}
            try:
                rec.result = tt27.year_result(subjects, competencies, scores)
                rec.result_missing = False
            except tt27.IncompleteAssessment as err:
                rec.result = False
                rec.result_missing = err.translate(self.env.lang)

    @api.depends("result", "reassessment_result", "grade")
    def _compute_final(self):
        for rec in self:
            final = tt27.effective_result(rec.result or None, rec.reassessment_result or None) or False
            rec.final_result = final
            rec.completed_grade = bool(final) and tt27.completes_grade(final)
            rec.completed_primary = bool(final) and tt27.completes_primary(rec.grade, final)
            if rec.completed_grade:
                rec.promotion = "promoted"
            elif not final:
                rec.promotion = False

    @api.depends("result")
    def _compute_proposed_commendation(self):
        for rec in self:
            rec.proposed_commendation = tt27.proposed_commendation(rec.result) if rec.result else False

    @api.constrains("commendation", "result")
    def _check_commendation(self):
        for rec in self:
            try:
                tt27.check_commendation(rec.result or None, rec.commendation or None)
            except RuleError as err:
                raise ValidationError(_("%(pupil)s: %(error)s", pupil=rec.student_id.name, error=err.translate(self.env.lang))) from err

    @api.constrains("reassessment_result", "result")
    def _check_reassessment(self):
        for rec in self:
            if rec.reassessment_result and not tt27.can_reassess(rec.result or None):
                raise ValidationError(
                    _("%(pupil)s: only a pupil whose year-end result is 'Not completed' can be re-assessed.",
                      pupil=rec.student_id.name)
                )

    @api.constrains("student_id", "class_id")
    def _check_student_in_class(self):
        for rec in self:
            if rec.student_id not in rec.class_id.student_ids:
                raise ValidationError(
                    _("%(pupil)s is not a pupil of class %(klass)s.", pupil=rec.student_id.name,
                      klass=rec.class_id.display_name)
                )

    # ------------------------------------------------------------------ create: one line per subject/competency
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._create_result_lines()
        return records

    def _create_result_lines(self):
        competencies = self.env["hocbaso.competency"].search([])
        subjects_by_grade = {}
        subject_vals, competency_vals = [], []
        for rec in self:
            if rec.grade not in subjects_by_grade:
                subjects_by_grade[rec.grade] = self.env["hocbaso.subject"].for_grade(rec.grade)
            have = set(rec.subject_result_ids.subject_id.ids)
            subject_vals += [{"transcript_id": rec.id, "subject_id": s.id}
                             for s in subjects_by_grade[rec.grade] if s.id not in have]
            have = set(rec.competency_result_ids.competency_id.ids)
            competency_vals += [{"transcript_id": rec.id, "competency_id": c.id}
                                for c in competencies if c.id not in have]
        self.env["hocbaso.subject.result"].sudo().create(subject_vals)
        self.env["hocbaso.competency.result"].sudo().create(competency_vals)

    # ------------------------------------------------------------------ field-level rights
    def write(self, vals):
        self._check_field_rights(vals)
        return super().write(vals)

    def _check_field_rights(self, vals):
        user = self.env.user
        if self.env.su or user.has_group("hocbaso_core.group_it_admin"):
            return
        allowed = PRINCIPAL_FIELDS if user.has_group("hocbaso_core.group_principal") else HOMEROOM_FIELDS
        forbidden = set(vals) - allowed
        if forbidden:
            labels = ", ".join(sorted(self._fields[f]._description_string(self.env) for f in forbidden))
            raise AccessError(_("You are not allowed to change these transcript fields: %(fields)s.", fields=labels))

    # ------------------------------------------------------------------ actions
    def action_mark_ready(self):
        for rec in self:
            if rec.state != "draft":
                raise UserError(_("%(name)s is not in data entry.", name=rec.name))
            if not rec.result:
                raise UserError(_("%(name)s is incomplete: %(missing)s", name=rec.name, missing=rec.result_missing))
        self.check_access("write")
        self.sudo().write({"state": "ready"})
        return True

    def action_back_to_draft(self):
        self.check_access("write")
        self.filtered(lambda r: r.state == "ready").sudo().write({"state": "draft"})
        return True

    def action_apply_proposed_commendation(self):
        for rec in self.filtered("proposed_commendation"):
            rec.commendation = rec.proposed_commendation
        return True
