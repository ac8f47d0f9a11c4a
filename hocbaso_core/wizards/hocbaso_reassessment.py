from odoo import _, fields, models
from odoo.exceptions import UserError

from ..models.hocbaso_transcript import RESULTS


class HocbasoReassessment(models.TransientModel):
    """Supplementary (summer) re-assessment of a pupil who did not complete the grade (TT 27 Art. 11)."""

    _name = "hocbaso.reassessment"
    _description = "Summer re-assessment"

    transcript_id = fields.Many2one(
        "hocbaso.transcript", "Transcript", required=True, default=lambda self: self.env.context.get("active_id")
    )
    first_result = fields.Selection(related="transcript_id.result", string="First result")
    reassessment_result = fields.Selection(RESULTS, "Result after re-assessment", required=True)
    reassessment_date = fields.Date("Re-assessment date", required=True, default=fields.Date.context_today)
    reassessment_comment = fields.Text("Comment", required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.transcript_id.result != "cht":
            raise UserError(_("Only a pupil whose year-end result is 'Not completed' can be re-assessed."))
        self.transcript_id.write({
            "reassessment_result": self.reassessment_result,
            "reassessment_date": self.reassessment_date,
            "reassessment_comment": self.reassessment_comment,
        })
        self.transcript_id.message_post(body=_("Summer re-assessment recorded; the first result is kept."))
        return {"type": "ir.actions.act_window_close"}
