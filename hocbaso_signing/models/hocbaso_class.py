from odoo import _, fields, models


class HocbasoClass(models.Model):
    """Signing activities of a class (one per step and signer) live on the class."""

    _name = "hocbaso.class"
    _inherit = ["hocbaso.class", "mail.activity.mixin"]

    def _hocbaso_notify(self, step, users, count):
        """Activity (and the e-mail Odoo sends with it) for the users who perform ``step`` next."""
        self.ensure_one()
        Transcript = self.env["hocbaso.transcript"]
        summary = Transcript._hocbaso_step_summary(step)
        note = _("Class %(klass)s: %(count)s page(s) wait for you. Deadline: %(deadline)s.", klass=self.name,
                 count=count, deadline=fields.Date.to_string(self.school_year_id.sign_deadline) or "-")
        Transcript._hocbaso_activity(self, users, summary, note, deadline=self.school_year_id.sign_deadline)
