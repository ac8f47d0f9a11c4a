from odoo import _, fields, models
from odoo.addons.hocbaso_core.models.hocbaso_subject_result import LEVEL_FIELDS, SCORE_FIELDS
from odoo.exceptions import UserError

LOCKED_FIELDS = {*LEVEL_FIELDS, *SCORE_FIELDS, "comment", "subject_id", "transcript_id"}


class HocbasoSubjectResult(models.Model):
    """Once a signature covers a subject result (its class sheet, or the pupil's page), it cannot change."""

    _inherit = "hocbaso.subject.result"

    # Lines of a superseded version (correction) leave the grids with their page.
    active = fields.Boolean(related="transcript_id.active", store=True, string="Active")

    def _hocbaso_signed_cover(self):
        sheets = self.env["hocbaso.subject.sheet"].sudo().search([
            ("class_id", "in", self.class_id.ids), ("subject_id", "in", self.subject_id.ids),
            ("signed_roles", "!=", False)])
        covered = {(s.class_id.id, s.subject_id.id) for s in sheets}
        # A correction (version 2+) is signed on the pupil's page only: the class sheet covers the first version.
        return self.filtered(lambda r: ((r.class_id.id, r.subject_id.id) in covered
                                        and not r.transcript_id.sudo().previous_version_id)
                             or r.transcript_id.sudo().signed_roles)

    def write(self, vals):
        if set(vals) & LOCKED_FIELDS:
            signed = self._hocbaso_signed_cover()
            if signed:
                raise UserError(_("%(pupil)s — %(subject)s is covered by a signature and cannot be changed; "
                                  "a correction creates a new version.", pupil=signed[0].student_id.name,
                                  subject=signed[0].subject_id.name))
        return super().write(vals)

    def unlink(self):
        signed = self._hocbaso_signed_cover()
        if signed:
            raise UserError(_("%(pupil)s — %(subject)s is covered by a signature and cannot be deleted.",
                              pupil=signed[0].student_id.name, subject=signed[0].subject_id.name))
        return super().unlink()
