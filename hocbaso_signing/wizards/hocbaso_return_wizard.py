from odoo import _, api, fields, models
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
    _description = "Return to an earlier step"

    res_model = fields.Selection([("hocbaso.transcript", "Year pages"), ("hocbaso.subject.sheet", "Subject sheets")],
                                 required=True, default=lambda self: self.env.context.get("active_model"))
    res_ids = fields.Json("Documents", default=lambda self: self.env.context.get("active_ids") or [])
    document_count = fields.Integer("Number of documents", compute="_compute_document_count")
    target_state = fields.Selection(TARGETS, "Return to", required=True, default="draft")
    reason = fields.Text("Reason", help="Told to the people who must act again, and kept in the history.")

    @api.depends("res_ids")
    def _compute_document_count(self):
        for wiz in self:
            wiz.document_count = len(wiz.res_ids or [])

    def action_return(self):
        self.ensure_one()
        docs = self.env[self.res_model].browse(self.res_ids or []).exists()
        if not docs:
            raise UserError(_("Select at least one document to return."))
        if self.res_model == "hocbaso.subject.sheet" and self.target_state != "draft":
            raise UserError(_("A subject sheet can only be returned to data entry."))
        docs.check_access("read")
        docs._hocbaso_return(self.target_state, (self.reason or "").strip())  # no reason: refused
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": _("%(count)s document(s) returned.", count=len(docs)),
            "next": {"type": "ir.actions.act_window_close"}}}
