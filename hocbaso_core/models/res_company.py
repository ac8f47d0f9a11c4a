from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hocbaso_school_code = fields.Char("School code (matruong)", help="School code in the education sector database.")
    hocbaso_department_code = fields.Char("Department code (masogd)", help="Code of the provincial Department of Education.")
    hocbaso_place_name = fields.Char(
        "Place name on documents", help='Printed in "…, ngày … tháng … năm" (diadanhphathanh).'
    )
    hocbaso_principal_id = fields.Many2one("hr.employee", "Principal", check_company=True)
