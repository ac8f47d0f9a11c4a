from odoo import fields, models


class HocbasoSchoolYear(models.Model):
    _inherit = "hocbaso.school.year"

    xml_schema_id = fields.Many2one(
        "hocbaso.xml.schema", "XML schema version",
        default=lambda self: self.env["hocbaso.xml.schema"].search([], limit=1),
        help="Format of the XML renditions issued for this school year.",
    )
    tsa_url = fields.Char("Timestamp authority URL", help="When set, PDF signatures are PAdES B-T.")
    pades_level = fields.Selection(
        [("B-B", "PAdES B-B"), ("B-T", "PAdES B-T (timestamp)"), ("B-LT", "PAdES B-LT (validation data)"),
         ("B-LTA", "PAdES B-LTA (archive timestamp)")],
        "PDF signature level", default="B-B",
    )
