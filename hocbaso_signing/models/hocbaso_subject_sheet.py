from odoo import _, api, fields, models
from odoo.addons.hocbaso_core.tools import tt27

from .hocbaso_signable_mixin import ROLE_TITLES


class HocbasoSubjectSheet(models.Model):
    """Class subject sheet (bảng tổng hợp kết quả môn học): one per class × subject × school year,
    signed by the subject's teacher."""

    _name = "hocbaso.subject.sheet"
    _description = "Class subject sheet"
    _inherit = ["hocbaso.signable.mixin", "mail.thread"]
    _order = "class_id, subject_id"
    _check_company_auto = True

    name = fields.Char("Name", compute="_compute_name", store=True)
    class_id = fields.Many2one("hocbaso.class", "Class", required=True, index=True, ondelete="cascade",
                               check_company=True)
    subject_id = fields.Many2one("hocbaso.subject", "Subject", required=True, index=True)
    school_year_id = fields.Many2one(related="class_id.school_year_id", store=True, string="School year")
    company_id = fields.Many2one(related="class_id.company_id", store=True, index=True, string="School")
    teacher_id = fields.Many2one("hr.employee", "Teacher", compute="_compute_teacher", store=True)
    state = fields.Selection([("draft", "Draft"), ("signed", "Signed")], "Status", default="draft",
                             required=True, tracking=True, index=True)

    _class_subject_uniq = models.Constraint("UNIQUE(class_id, subject_id)", "One sheet per class and subject.")

    @api.depends("class_id.name", "subject_id.name", "school_year_id.name")
    def _compute_name(self):
        for rec in self:
            rec.name = f"{rec.subject_id.name} — {rec.class_id.name} — {rec.school_year_id.name}"

    @api.depends("class_id.assignment_ids.teacher_id", "subject_id")
    def _compute_teacher(self):
        for rec in self:
            rec.teacher_id = rec.class_id.assignment_ids.filtered(
                lambda a, s=rec.subject_id: a.subject_id == s).teacher_id[:1]

    def _results(self):
        self.ensure_one()
        return self.env["hocbaso.subject.result"].search([
            ("class_id", "=", self.class_id.id), ("subject_id", "=", self.subject_id.id)]).sorted("student_name")

    def _hocbaso_expected_roles(self):
        return ["subject_teacher"]

    def _hocbaso_report_xmlid(self):
        return "hocbaso_signing.action_report_subject_sheet"

    def _hocbaso_school_year(self):
        return self.school_year_id

    def _hocbaso_snapshot(self):
        self.ensure_one()
        company = self.company_id
        rows = []
        for line in self._results():
            rows.append({
                "student_code": line.student_id.student_code or "", "personal_id": line.student_id.personal_id or "",
                "full_name": line.student_id.name,
                "levels": {p: line[f"level_{p}"] or None for p in tt27.POINTS},
                "scores": {p: line.score_value(p) for p in tt27.POINTS if line.score_value(p) is not None},
                "comment": line.comment or "",
            })
        return {
            "kind": "subject_sheet",
            "document_id": f"BTH-{company.hocbaso_school_code or company.id}-{self.school_year_id.name}-"
                           f"{self.class_id.name}-{self.subject_id.code}-v1",
            "version": 1,
            "school": self._hocbaso_school_snapshot(),
            "school_year": self.school_year_id.name,
            "class": {"name": self.class_id.name, "grade": self.class_id.grade,
                      "homeroom_teacher": self.class_id.homeroom_teacher_id.name or ""},
            "subject": {"code": self.subject_id.code, "name": self._hocbaso_doc_lang(self.subject_id).name},
            "teacher": self.teacher_id.name or "",
            "rows": rows,
            "place": self._hocbaso_place(),
            "date": fields.Date.context_today(self).isoformat(),
            "signers": [{"role": "subject_teacher", "name": self.teacher_id.name or "",
                         "title": ROLE_TITLES["subject_teacher"]}],
        }

    @api.model
    def _ensure_for_classes(self, classes):
        """Create the missing sheets of ``classes`` (one per subject taught in the class)."""
        existing = {(s.class_id.id, s.subject_id.id) for s in self.search([("class_id", "in", classes.ids)])}
        vals = []
        for klass in classes:
            for subject in klass.transcript_ids.subject_result_ids.subject_id:
                if (klass.id, subject.id) not in existing:
                    vals.append({"class_id": klass.id, "subject_id": subject.id})
        return self.create(vals)

    def _hocbaso_sign(self, role, backend, certificate=None, meta=None, on_behalf=None):
        res = super()._hocbaso_sign(role, backend, certificate=certificate, meta=meta, on_behalf=on_behalf)
        self.sudo().write({"state": "signed"})
        for rec in self:
            rec.message_post(body=_("Signed by %(name)s.", name=res.filtered(lambda s, r=rec: s.res_id == r.id)
                                    .signer_name))
        return res
