from odoo import _, fields, models
from odoo.exceptions import UserError


class HocbasoCorrectionWizard(models.TransientModel):
    """Correct an issued year page: a new version runs the cascade again; the issued one stays signed."""

    _name = "hocbaso.correction.wizard"
    _description = "Correct an issued year page"

    transcript_id = fields.Many2one("hocbaso.transcript", "Year page", required=True, readonly=True)
    version = fields.Integer(related="transcript_id.version", string="Current version")
    reason = fields.Text("Reason for the correction", required=True)

    def action_correct(self):
        self.ensure_one()
        page = self.transcript_id
        company = page.company_id
        employee = self.env.user.employee_ids.filtered(lambda e: e.company_id == company)[:1]
        if not (self.env.user.has_group("hocbaso_core.group_principal") and employee
                and employee == company.hocbaso_principal_id):
            raise UserError(_("Only the principal of the school opens a correction of an issued page."))
        page.check_access("read")
        new = page._hocbaso_new_version(self.reason)
        return {"type": "ir.actions.act_window", "res_model": "hocbaso.transcript", "res_id": new.id,
                "view_mode": "form", "target": "current"}
