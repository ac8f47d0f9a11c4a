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

    def _hocbaso_seal_holder(self):
        """``(seal certificate, holder employee)`` of the school: the employee set on its newest seal certificate,
        else the principal when the principal holds the seal (empty recordsets when nobody does)."""
        self.ensure_one()
        seal = self.env["hocbaso.certificate"].sudo().search(
            [("kind", "=", "seal"), ("company_id", "=", self.id)], order="date_end desc", limit=1)
        holder = seal.employee_id
        if not holder and seal and self.hocbaso_seal_holder_position == "principal":
            holder = self.sudo().hocbaso_principal_id
        return seal, holder
