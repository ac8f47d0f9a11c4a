from odoo import _, fields, models
from odoo.addons.hocbaso_core.models.hocbaso_competency_result import LEVEL_FIELDS
from odoo.exceptions import UserError

LOCKED_FIELDS = {*LEVEL_FIELDS, "comment", "competency_id", "transcript_id"}


class HocbasoCompetencyResult(models.Model):
    """Once the pupil's page is signed, its qualities and competencies cannot change."""

    _inherit = "hocbaso.competency.result"

    # Lines of a superseded version (correction) leave the grids with their page.
    active = fields.Boolean(related="transcript_id.active", store=True, string="Active")

    def _hocbaso_signed_cover(self):
        return self.filtered(lambda r: r.transcript_id.sudo().signed_roles)

    def write(self, vals):
        signed = self._hocbaso_signed_cover() if set(vals) & LOCKED_FIELDS else self.browse()
        if signed:
            raise UserError(_("%(pupil)s — %(competency)s is covered by a signature and cannot be changed; "
                              "a correction creates a new version.", pupil=signed[0].student_id.name,
                              competency=signed[0].competency_id.name))
        return super().write(vals)

    def unlink(self):
        signed = self._hocbaso_signed_cover()
        if signed:
            raise UserError(_("%(pupil)s — %(competency)s is covered by a signature and cannot be deleted.",
                              pupil=signed[0].student_id.name, competency=signed[0].competency_id.name))
        return super().unlink()
