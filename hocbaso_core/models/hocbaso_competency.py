from odoo import fields, models


class HocbasoCompetency(models.Model):
    _name = "hocbaso.competency"
    _description = "Quality or competency"
    _order = "sequence, id"

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(
        [("quality", "Quality"), ("general", "General competency"), ("specific", "Specific competency")],
        "Kind", required=True,
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "The competency code must be unique.")
