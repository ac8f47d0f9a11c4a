from odoo import fields, models

SCHOOL_POSITIONS = [
    ("principal", "Principal"),
    ("vice_principal", "Vice principal"),
    ("team_leader", "Team leader"),
    ("teacher", "Teacher"),
    ("it_admin", "IT focal point"),
    ("clerk", "Clerk"),
]


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    hocbaso_position = fields.Selection(SCHOOL_POSITIONS, "School position")
    hocbaso_assignment_ids = fields.One2many("hocbaso.teaching.assignment", "teacher_id", "Teaching assignments")
    hocbaso_homeroom_class_ids = fields.One2many("hocbaso.class", "homeroom_teacher_id", "Homeroom classes")
