from odoo import _, models
from odoo.exceptions import UserError


class HocbasoReassessment(models.TransientModel):
    """Summer re-assessment of an issued page: a new version carries it (the first assessment is kept on
    both versions); the new version may be issued after the signing deadline."""

    _inherit = "hocbaso.reassessment"

    def action_confirm(self):
        self.ensure_one()
        page = self.transcript_id
        if page.result != "cht":
            raise UserError(_("Only a pupil whose year-end result is 'Not completed' can be re-assessed."))
        if not page.signed_roles:
            return super().action_confirm()
        if page.state != "issued":
            raise UserError(_("%(name)s is being signed: wait until it is issued (or return it to data entry) "
                              "before recording the re-assessment.", name=page.display_name))
        homeroom = page.class_id.homeroom_teacher_id
        employee = self.env.user.employee_ids.filtered(lambda e: e.company_id == page.company_id)[:1]
        if not self.env.su and not (employee and employee in (homeroom | page.company_id.hocbaso_principal_id)):
            raise UserError(_("Only the homeroom teacher of the class or the principal records a re-assessment."))
        new = page._hocbaso_new_version(
            _("Summer re-assessment (%(date)s).", date=self.reassessment_date),
            values={"reassessment_result": self.reassessment_result, "reassessment_date": self.reassessment_date,
                    "reassessment_comment": self.reassessment_comment})
        new._hocbaso_post(_("Summer re-assessment recorded; the first result is kept."))
        return {"type": "ir.actions.act_window", "res_model": "hocbaso.transcript", "res_id": new.id,
                "view_mode": "form", "target": "current"}
