from odoo import api, fields, models


class HocbasoDocumentWizardMixin(models.AbstractModel):
    """A wizard acting on the documents selected in a list (year pages or subject sheets)."""

    _name = "hocbaso.document.wizard.mixin"
    _description = "Wizard on selected documents"

    res_model = fields.Selection([("hocbaso.transcript", "Year pages"), ("hocbaso.subject.sheet", "Subject sheets")],
                                 required=True, default=lambda self: self.env.context.get("active_model"))
    res_ids = fields.Json("Documents", default=lambda self: self.env.context.get("active_ids") or [])
    document_count = fields.Integer("Number of documents", compute="_compute_document_count")

    @api.depends("res_ids")
    def _compute_document_count(self):
        for wiz in self:
            wiz.document_count = len(wiz.res_ids or [])

    def _documents(self):
        return self.env[self.res_model].browse(self.res_ids or []).exists()
