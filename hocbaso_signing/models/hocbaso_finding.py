from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.crosscheck import BLOCKING, CODES, WARNING

CODE_LABELS = {
    "level_missing": "Rating missing",
    "level_invalid": "Invalid rating",
    "score_missing": "Test score missing",
    "score_untested": "Score without a test",
    "score_invalid": "Invalid score",
    "level_score_inconsistent": "Rating inconsistent with the score",
    "result_mismatch": "Year-end result inconsistent",
    "completion_mismatch": "Completion inconsistent",
    "commendation_mismatch": "Commendation inconsistent",
    "comment_missing": "Comment missing",
    "identity": "Pupil identity",
    "manual": "Reviewer's finding",
}


class HocbasoFinding(models.Model):
    """A cross-check finding on a year page: automatic (tools/crosscheck.py) or added by a reviewer.

    Findings are never deleted: an automatic finding that no longer occurs is closed as corrected, a
    manual one is closed by a reviewer with a note. Open blocking findings stop signing."""

    _name = "hocbaso.finding"
    _description = "Cross-check finding"
    _order = "state, severity, transcript_id, id"
    _check_company_auto = True

    transcript_id = fields.Many2one("hocbaso.transcript", "Year page", required=True, index=True,
                                    ondelete="cascade", check_company=True)
    student_id = fields.Many2one(related="transcript_id.student_id", store=True, string="Pupil")
    class_id = fields.Many2one(related="transcript_id.class_id", store=True, string="Class", index=True)
    company_id = fields.Many2one(related="transcript_id.company_id", store=True, string="School", index=True)
    code = fields.Selection([(c, CODE_LABELS[c]) for c in (*CODES, "manual")], "Check type", required=True)
    severity = fields.Selection([(BLOCKING, "Blocking"), (WARNING, "Warning")], "Severity", required=True,
                                default=BLOCKING)
    origin = fields.Selection([("auto", "Automatic"), ("manual", "Reviewer")], "Origin", required=True,
                              default="manual", readonly=True)
    key = fields.Char("Key", readonly=True, help="Identifies an automatic finding between two runs.")
    subject = fields.Char("Subject / competency code", readonly=True)
    point = fields.Char("Assessment point", readonly=True)
    message = fields.Text("Finding", required=True)
    stage = fields.Selection([("mark_ready", "Before the homeroom teacher signs"),
                              ("sign_homeroom", "Homeroom signature"), ("check", "Check before lock"),
                              ("manual", "Manual review")], "Found at", readonly=True, default="manual")
    author_id = fields.Many2one("res.users", "Found by", default=lambda self: self.env.user, readonly=True)
    state = fields.Selection([("open", "Open"), ("resolved", "Resolved")], "Status", default="open",
                             required=True, readonly=True, index=True)
    resolved_by_id = fields.Many2one("res.users", "Resolved by", readonly=True)
    resolved_date = fields.Datetime("Resolved on", readonly=True)
    resolution = fields.Text("Resolution", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            if not self.env.user.has_group("hocbaso_core.group_team_leader"):
                raise UserError(_("Only a team leader, a vice principal or the principal can add a finding."))
            for vals in vals_list:
                vals.update({"origin": "manual", "code": "manual", "stage": "manual", "state": "open"})
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - {"message", "severity"}:
            raise UserError(_("Only the text and the severity of a finding can be edited; it is closed with the "
                              "“Resolve” button."))
        if not self.env.su and self.filtered(lambda f: f.origin == "auto" or f.state != "open"):
            raise UserError(_("Only an open finding added by a reviewer can be edited."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Findings are kept: resolve a finding instead of deleting it."))

    def action_resolve(self, note=None):
        """Close manual findings (reviewers) — automatic ones close themselves when the data is corrected."""
        if self.filtered(lambda f: f.origin == "auto"):
            raise UserError(_("An automatic finding closes itself when the data is corrected: run the cross-check "
                              "again."))
        if not self.env.user.has_group("hocbaso_core.group_team_leader"):
            raise UserError(_("Only a team leader, a vice principal or the principal can resolve a finding."))
        self.check_access("read")
        self.filtered(lambda f: f.state == "open").sudo().write({
            "state": "resolved", "resolved_by_id": self.env.user.id, "resolved_date": fields.Datetime.now(),
            "resolution": note or _("Resolved by %(user)s.", user=self.env.user.name)})
        return True
