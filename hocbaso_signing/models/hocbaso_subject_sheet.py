from odoo import _, api, fields, models
from odoo.addons.hocbaso_core.tools import tt27
from odoo.exceptions import UserError

from ..tools import cascade
from .hocbaso_signable_mixin import ROLE_TITLES


class HocbasoSubjectSheet(models.Model):
    """Class subject sheet (bảng tổng hợp kết quả môn học): one per class × subject × school year,
    signed by the subject's teacher."""

    _name = "hocbaso.subject.sheet"
    _description = "Class subject sheet"
    _inherit = ["hocbaso.signable.mixin", "hocbaso.cascade.mixin", "mail.thread", "mail.activity.mixin"]
    _hocbaso_document_kind = "subject_sheet"
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

    # ------------------------------------------------------------------ approval cascade
    def _hocbaso_context(self, blocking=0, sheets_all_signed=False):
        self.ensure_one()
        teachers = self.class_id.assignment_ids.filtered(lambda a: a.subject_id == self.subject_id).teacher_id
        return cascade.DocumentContext(
            state=self.state, document="subject_sheet", subject_teacher_employee_ids=frozenset(teachers.ids),
            homeroom_employee_id=self.class_id.homeroom_teacher_id.id or None,
            principal_employee_id=self.company_id.hocbaso_principal_id.id or None,
            seal_holder_position=self.company_id.hocbaso_seal_holder_position or "principal",
            class_name=self.class_id.name or "")

    def _hocbaso_refusals(self, action="sign_subject", store=True):
        """``{sheet id: reason}`` (no cross-check on a sheet: ``store`` is accepted for the common signature)."""
        actors, out = {}, {}
        for rec in self:
            if rec.company_id.id not in actors:
                actors[rec.company_id.id] = self._hocbaso_actor(rec.company_id)
            refusal = rec._hocbaso_refusal(action, actors[rec.company_id.id], rec._hocbaso_context())
            if refusal:
                out[rec.id] = refusal
        return out

    def _hocbaso_cascade_sign(self, role, backend, certificate=None, meta=None, store_findings=True):
        """The subject teacher signs the class sheets: they freeze the subject's results of the class."""
        meta, on_behalf = self._hocbaso_cascade_before_sign(role, meta, store_findings=store_findings)
        result = self._hocbaso_sign(role, backend, certificate=certificate, meta=meta, on_behalf=on_behalf)
        self._hocbaso_cascade_after_sign(role)
        return result

    def _hocbaso_cascade_check(self, role):
        refusals = self._hocbaso_refusals(self._hocbaso_sign_action(role))
        if refusals:
            raise UserError("\n".join(refusals.values()))

    def _hocbaso_cascade_before_sign(self, role, meta=None, store_findings=True):
        self._hocbaso_cascade_check(role)
        self.action_render_renditions()  # the signature freezes the current results
        return dict(meta or {}), None

    def _hocbaso_cascade_after_sign(self, role):
        self._hocbaso_engine().write({"state": "signed", "returned": False})
        signatures = self.env["hocbaso.signature"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("active", "=", True)])
        for rec in self:
            rec._hocbaso_post(_("Signed by %(name)s.", name=signatures.filtered(
                lambda s, r=rec: s.res_id == r.id)[:1].signer_name))
        self._hocbaso_classes_ready()

    def _hocbaso_classes_ready(self):
        """Notify the homeroom teacher of each class whose subject sheets are now all signed."""
        Transcript = self.env["hocbaso.transcript"]
        for klass in self.class_id.sudo():
            expected = klass.transcript_ids.subject_result_ids.subject_id
            signed = self.sudo().search([("class_id", "=", klass.id), ("state", "=", "signed")]).subject_id
            if expected and not (expected - signed):
                pages = klass.transcript_ids.filtered(lambda p: p.state in ("draft", "ready"))
                if pages:
                    klass._hocbaso_notify("sign_homeroom", Transcript._hocbaso_next_users("sign_homeroom", klass),
                                          len(pages))

    def _hocbaso_apply_return(self, target_state, reason, roles):
        """A returned sheet reopens the subject's results; the pages of the class that embed it go back to
        data entry (their signatures are invalidated too). Issued pages are corrected by a new version."""
        pages = self.class_id.transcript_ids.filtered(lambda p: p.state != "draft")
        if pages.filtered(lambda p: p.state == "issued"):
            raise UserError(_("Pages of class %(klass)s are already issued: correct them by a new version instead "
                              "of returning the subject sheet.", klass=self.class_id.name))
        super()._hocbaso_apply_return(target_state, reason, roles)
        for page in pages:
            page_roles = cascade.return_to(page.state, "draft", reason, document="year_page")
            page._hocbaso_apply_return("draft", _("Subject sheet %(sheet)s returned: %(reason)s",
                                                  sheet=self.name, reason=reason), page_roles)

    def _hocbaso_return_owners(self, target_state):
        sheet = self.sudo()  # staff data is HR data
        return sheet.teacher_id.user_id or sheet.class_id.homeroom_teacher_id.user_id

    def action_open_sign_wizard(self):
        if self.filtered(lambda s: s.state != "draft"):
            raise UserError(_("Select subject sheets that are not signed yet."))
        return {"type": "ir.actions.act_window", "res_model": "hocbaso.sign.wizard", "view_mode": "form",
                "target": "new", "name": _("Sign"),
                "context": {"active_model": self._name, "active_ids": self.ids, "default_role": "subject_teacher"}}

    def action_open_return(self):
        return {"type": "ir.actions.act_window", "res_model": "hocbaso.return.wizard", "view_mode": "form",
                "target": "new", "context": {"active_model": self._name, "active_ids": self.ids}}
