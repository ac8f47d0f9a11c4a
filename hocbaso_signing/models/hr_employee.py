from odoo import fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    hocbaso_certificate_ids = fields.One2many("hocbaso.certificate", "employee_id", "Certificates")
    hocbaso_certificate_ready = fields.Boolean("Has a valid certificate", compute="_compute_hocbaso_certificate_ready")

    def _compute_hocbaso_certificate_ready(self):
        for employee in self:
            employee.hocbaso_certificate_ready = any(c.is_usable() for c in employee.sudo().hocbaso_certificate_ids)
