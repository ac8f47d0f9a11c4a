from odoo import fields, models

ROLES = [
    ("subject_teacher", "Subject teacher"),
    ("homeroom_teacher", "Homeroom teacher"),
    ("principal", "Principal"),
    ("school_seal", "School seal"),
]


class HocbasoSignature(models.Model):
    """One signature applied to a document (both renditions), kept even when later invalidated."""

    _name = "hocbaso.signature"
    _description = "Signature event"
    _order = "signing_time desc, id desc"

    res_model = fields.Char("Document model", required=True, index=True)
    res_id = fields.Integer("Document ID", required=True, index=True)
    document_id = fields.Char("Document reference", index=True)
    role = fields.Selection(ROLES, "Role", required=True)
    certificate_id = fields.Many2one("hocbaso.certificate", "Certificate", ondelete="restrict")
    signer_name = fields.Char("Signer")
    certificate_serial = fields.Char("Certificate serial")
    signing_time = fields.Datetime("Signing time", required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", "Signed by user", default=lambda self: self.env.user)
    on_behalf = fields.Char("Signed on behalf of")
    snapshot_sha256 = fields.Char("Snapshot SHA-256")
    pdf_sha256 = fields.Char("PDF SHA-256 after signing")
    xml_sha256 = fields.Char("XML SHA-256 after signing")
    company_id = fields.Many2one("res.company", "School", index=True)
    active = fields.Boolean(default=True, help="Unset when a return invalidates the signature (kept, not deleted).")
