from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import audit_chain

ROLES = [
    ("subject_teacher", "Subject teacher"),
    ("homeroom_teacher", "Homeroom teacher"),
    ("principal", "Principal"),
    ("school_seal", "School seal"),
]


CHAIN_FIELDS = ("chain_seq", "chain_prev", "chain_hash")
PAYLOAD_FIELDS = ("res_model", "res_id", "document_id", "role", "signer_name", "certificate_serial", "signing_time",
                  "on_behalf", "snapshot_sha256", "pdf_sha256", "xml_sha256", "company_id")


class HocbasoSignature(models.Model):
    """One signature applied to a document (both renditions), kept even when later invalidated.

    The log is tamper-evident: every entry carries a SHA-256 hash chained to the previous entry
    (``tools/audit_chain.py``); ``check_chain`` reports the first broken link. Entries are never deleted and
    their signed fields never change (only ``active``, when a return invalidates a signature).
    """

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
    invalidated_reason = fields.Text("Invalidated because", readonly=True)
    invalidated_by_id = fields.Many2one("res.users", "Invalidated by", readonly=True)
    invalidated_date = fields.Datetime("Invalidated on", readonly=True)
    # The renditions right after this signature: a return to an earlier step restores them.
    pdf_file = fields.Binary("PDF after signing", attachment=True, readonly=True)
    xml_file = fields.Binary("XML after signing", attachment=True, readonly=True)
    chain_seq = fields.Integer("Log sequence", readonly=True, copy=False, index=True)
    chain_prev = fields.Char("Previous entry hash", readonly=True, copy=False)
    chain_hash = fields.Char("Entry hash", readonly=True, copy=False)

    _chain_seq_uniq = models.Constraint("UNIQUE(chain_seq)", "The signature log sequence must be unique.")

    def _chain_payload(self):
        self.ensure_one()
        return {
            "document_ref": self.document_id or "", "document_sha256": self.snapshot_sha256 or "",
            "signer": self.signer_name or "", "certificate_serial": self.certificate_serial or "",
            "time": fields.Datetime.to_string(self.signing_time), "step": self.role,
            "res_model": self.res_model, "res_id": self.res_id, "on_behalf": self.on_behalf or "",
            "pdf_sha256": self.pdf_sha256 or "", "xml_sha256": self.xml_sha256 or "",
            "company_id": self.company_id.id or 0,
        }

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        # One writer at a time extends the chain.
        self.env.cr.execute("SELECT pg_advisory_xact_lock(hashtext('hocbaso.signature.chain'))")
        self.flush_model(CHAIN_FIELDS)
        self.env.cr.execute("SELECT chain_seq, chain_hash FROM hocbaso_signature WHERE chain_seq IS NOT NULL "
                            "ORDER BY chain_seq DESC LIMIT 1")
        row = self.env.cr.fetchone()
        seq, prev = row if row else (0, audit_chain.GENESIS)
        for rec in records.sorted("id"):
            chain = [{"hash": prev}] * seq  # only the head and the length matter to append
            entry = audit_chain.append(chain, rec._chain_payload())
            super(HocbasoSignature, rec.with_context(hocbaso_chain_init=True)).write(
                {"chain_seq": entry["seq"], "chain_prev": entry["prev_hash"], "chain_hash": entry["hash"]})
            seq, prev = entry["seq"], entry["hash"]
        self.flush_model(CHAIN_FIELDS)
        return records

    def _hocbaso_invalidate(self, reason):
        """A return undid the step: the entry stays in the log, marked invalid with the reason."""
        self.sudo().write({"active": False, "invalidated_reason": reason, "invalidated_by_id": self.env.user.id,
                           "invalidated_date": fields.Datetime.now()})

    def write(self, vals):
        frozen = set(vals) & set(PAYLOAD_FIELDS + CHAIN_FIELDS + ("pdf_file", "xml_file"))
        if frozen and not self.env.context.get("hocbaso_chain_init"):
            raise UserError(_("A signature log entry cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A signature log entry cannot be deleted."))

    @api.model
    def check_chain(self):
        """Verify the whole log; returns ``{'ok', 'count', 'broken_seq', 'message'}``."""
        entries = self.sudo().with_context(active_test=False).search([("chain_seq", "!=", False)],
                                                                       order="chain_seq")
        chain = [dict(e._chain_payload(), seq=e.chain_seq, prev_hash=e.chain_prev, hash=e.chain_hash)
                 for e in entries]
        ok, index, message = audit_chain.verify(chain)
        return {
            "ok": ok, "count": len(chain),
            "broken_seq": None if ok else (chain[index]["seq"] if index < len(chain) else None),
            "message": str(message) if message else _("The signature log is intact (%(count)s entries).",
                                                       count=len(chain)),
        }

    def action_check_chain(self):
        result = self.check_chain()
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success" if result["ok"] else "danger", "sticky": not result["ok"],
            "message": result["message"]}}
