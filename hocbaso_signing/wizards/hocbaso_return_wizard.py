from odoo import _, fields, models
from odoo.exceptions import UserError

TARGETS = [
    ("draft", "Data entry"),
    ("ready", "Ready to sign"),
    ("homeroom_signed", "Signed by the homeroom teacher (before the check)"),
    ("checked", "Checked (before the principal)"),
    ("principal_signed", "Signed by the principal (before the seal)"),
]


class HocbasoReturnWizard(models.TransientModel):
    """Send documents back one or more steps with a mandatory reason."""

    _name = "hocbaso.return.wizard"
    _inherit = "hocbaso.document.wizard.mixin"
    _description = "Return to an earlier step"

    target_state = fields.Selection(TARGETS, "Return to", required=True, default="draft")
    reason = fields.Text("Reason", help="Told to the people who must act again, and kept in the history.")

    def action_return(self):
        self.ensure_one()
        docs = self._documents()
        if not docs:
            raise UserError(_("Select at least one document to return."))
        if self.res_model == "hocbaso.subject.sheet" and self.target_state != "draft":
            raise UserError(_("A subject sheet can only be returned to data entry."))
        docs.check_access("read")
        docs._hocbaso_return(self.target_state, (self.reason or "").strip())  # no reason: refused
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": _("%(count)s document(s) returned.", count=len(docs)),
            "next": {"type": "ir.actions.act_window_close"}}}
