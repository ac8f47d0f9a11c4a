from odoo import fields, models

from .hr_employee import SCHOOL_POSITIONS


class HrEmployeePublic(models.Model):
    """The school position is public staff information (like the job title): colleagues read it with the
    names of the staff (homeroom teacher, principal) without HR rights."""

    _inherit = "hr.employee.public"

    hocbaso_position = fields.Selection(SCHOOL_POSITIONS, "School position", readonly=True)
