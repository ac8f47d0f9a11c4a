from odoo import fields, models


class HocbasoSchoolYear(models.Model):
    _inherit = "hocbaso.school.year"

    xml_schema_id = fields.Many2one(
        "hocbaso.xml.schema", "XML schema version",
        help="Format of the XML renditions issued for this school year (empty: the newest version).",
    )
    tsa_url = fields.Char("Timestamp authority URL", help="When set, PDF signatures are PAdES B-T.")
    pades_level = fields.Selection(
        [("B-B", "PAdES B-B"), ("B-T", "PAdES B-T (timestamp)"), ("B-LT", "PAdES B-LT (validation data)"),
         ("B-LTA", "PAdES B-LTA (archive timestamp)")],
        "PDF signature level", default="B-B",
    )
