from odoo import fields, models

from ..tools.cascade import SEAL_HOLDER_POSITIONS

SEAL_POSITION_LABELS = {"principal": "Principal", "vice_principal": "Vice principal", "clerk": "Clerk"}


class ResCompany(models.Model):
    _inherit = "res.company"

    hocbaso_principal_delegate_id = fields.Many2one(
        "hr.employee", "Vice principal signing for the principal", check_company=True,
        help="When set, this vice principal may sign year pages for the principal; the signature then shows "
             "“KT. Hiệu trưởng”.")
    hocbaso_seal_holder_position = fields.Selection(
        [(p, SEAL_POSITION_LABELS[p]) for p in SEAL_HOLDER_POSITIONS], "Seal applied by", default="principal",
        required=True, help="Position of the holder of the school's seal (organisation) certificate. The holder is "
                            "the employee set on the seal certificate (the principal when none is set).")
