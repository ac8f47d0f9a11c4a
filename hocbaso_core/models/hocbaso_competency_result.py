from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import tt27
from ..tools.errors import RuleError

COMPETENCY_LEVELS = [("t", "Good"), ("d", "Satisfactory"), ("c", "Needs effort")]
LEVEL_FIELDS = tuple(f"level_{p}" for p in tt27.POINTS)


class HocbasoCompetencyResult(models.Model):
    _name = "hocbaso.competency.result"
    _description = "Quality / competency result"
    _order = "class_id, student_name, competency_sequence, id"

    transcript_id = fields.Many2one("hocbaso.transcript", "Transcript", required=True, ondelete="cascade", index=True)
    competency_id = fields.Many2one("hocbaso.competency", "Quality / competency", required=True, index=True,
                                    ondelete="restrict")
    competency_sequence = fields.Integer(related="competency_id.sequence", store=True)
    kind = fields.Selection(related="competency_id.kind", store=True, string="Kind")
    student_id = fields.Many2one(related="transcript_id.student_id", store=True, index=True, string="Pupil")
    student_name = fields.Char(related="student_id.name", store=True, string="Pupil name")
    class_id = fields.Many2one(related="transcript_id.class_id", store=True, index=True, string="Class")
    school_year_id = fields.Many2one(related="transcript_id.school_year_id", store=True, string="School year")
    company_id = fields.Many2one(related="transcript_id.company_id", store=True, index=True, string="School")
    level_gk1 = fields.Selection(COMPETENCY_LEVELS, "Level mid-term I")
    level_ck1 = fields.Selection(COMPETENCY_LEVELS, "Level end of term I")
    level_gk2 = fields.Selection(COMPETENCY_LEVELS, "Level mid-term II")
    level_cn = fields.Selection(COMPETENCY_LEVELS, "Level end of year")
    comment = fields.Text("Comment")

    _transcript_competency_uniq = models.Constraint(
        "UNIQUE(transcript_id, competency_id)", "A quality or competency appears once per transcript."
    )

    def _clean_vals(self, vals):
        vals = dict(vals)
        try:
            for key in LEVEL_FIELDS:
                if key in vals:
                    vals[key] = tt27.check_level(vals[key], "competency")
        except RuleError as err:
            raise ValidationError(_("Quality / competency: %(error)s", error=err.translate(self.env.lang))) from err
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._clean_vals(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._clean_vals(vals))
