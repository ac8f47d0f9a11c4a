import datetime as dt
import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import pdf_sign, xmldsig
from ..tools.backends import SigningError, external


class HocbasoSignRequest(models.Model):
    """Hash-only signing with a USB token on the signer's own computer (desktop signer).

    Odoo prepares the documents and keeps their digests; the desktop signer fetches the digests with a
    one-time token (only its SHA-256 is stored), signs them on the token and posts the values back; Odoo
    checks every value against the registered certificate, then finishes the documents.
    """

    _name = "hocbaso.sign.request"
    _description = "External signing request (USB token)"
    _order = "create_date desc"

    name = fields.Char("Request ID", required=True, readonly=True, index=True, copy=False)
    user_id = fields.Many2one("res.users", "Requested by", required=True, default=lambda self: self.env.user,
                              readonly=True)
    certificate_id = fields.Many2one("hocbaso.certificate", "Certificate", required=True, readonly=True)
    company_id = fields.Many2one(related="certificate_id.company_id", store=True)
    role = fields.Char("Role", required=True, readonly=True)
    res_model = fields.Char("Document model", required=True, readonly=True)
    res_ids = fields.Json("Documents", readonly=True)
    document_count = fields.Integer("Number of documents", compute="_compute_document_count")
    token_hash = fields.Char("Token hash", readonly=True, copy=False, groups="base.group_system")
    request_json = fields.Json("Request", readonly=True, copy=False)
    prepared_json = fields.Json("Prepared documents", readonly=True, copy=False, groups="base.group_system")
    expires_at = fields.Datetime("Expires at", readonly=True)
    state = fields.Selection([("pending", "Waiting for the token"), ("done", "Signed"), ("failed", "Failed"),
                              ("expired", "Expired")], default="pending", readonly=True, index=True)
    error = fields.Text("Error", readonly=True)
    meta_json = fields.Json("Signature details", readonly=True, copy=False)

    _name_uniq = models.Constraint("UNIQUE(name)", "The request ID must be unique.")

    def _compute_document_count(self):
        for req in self:
            req.document_count = len(req.res_ids or [])

    @api.model
    def _create_for(self, documents, role, certificate, meta=None):
        """Prepare ``documents`` for ``role`` and open a request; returns (request, one-time token)."""
        cert = certificate._x509()
        meta, on_behalf = documents._hocbaso_cascade_before_sign(role, meta)
        prepared = documents._hocbaso_prepare_signing(role, cert, certificate._chain(), certificate, meta)
        digests = [d for item in prepared for d in (item["pdf"].digest, item["xml"].digest)]
        labels = [label for item in prepared for label in (f"{item['record'].document_ref} (PDF)",
                                                              f"{item['record'].document_ref} (XML)")]
        req = external.new_request(digests, certificate_hint=cert, documents=labels)
        record = self.sudo().create({
            "name": req["id"], "certificate_id": certificate.id, "role": role, "res_model": documents._name,
            "res_ids": documents.ids, "token_hash": req["token_hash"],
            "request_json": external.request_document(req),
            "prepared_json": [{"res_id": item["record"].id, "pdf": item["pdf"].to_dict(),
                               "xml": item["xml"].to_dict(), "time": item["time"].isoformat()}
                              for item in prepared],
            "expires_at": dt.datetime.fromisoformat(req["expires_at"]).replace(tzinfo=None),
            "user_id": self.env.user.id, "meta_json": {"meta": meta, "on_behalf": on_behalf},
        })
        return record.with_env(self.env), req["token"]

    def _check_token(self, token):
        self.ensure_one()
        return bool(token) and external.verify_token(self.sudo().token_hash, token)

    def _is_expired(self):
        return self.state == "expired" or (self.expires_at and fields.Datetime.now() >= self.expires_at)

    def _complete(self, body):
        """Accept the desktop signer's answer (checked against the registered certificate) and finish."""
        self.ensure_one()
        req = self.sudo()
        if req.state != "pending":
            raise UserError(_("This signing request is already closed."))
        certificate, _chain, values = external.parse_response(body)
        external.check_response(list(req.request_json["digests"]), certificate, values,
                                expected=req.certificate_id._x509())
        prepared = []
        documents = self.env[req.res_model].browse([p["res_id"] for p in req.prepared_json])
        for item, rec in zip(req.prepared_json, documents, strict=True):
            prepared.append({"record": rec, "pdf": pdf_sign.Prepared.from_dict(item["pdf"]),
                             "xml": xmldsig.Prepared.from_dict(item["xml"]),
                             "time": dt.datetime.fromisoformat(item["time"])})
        signer = req.user_id
        documents = documents.with_user(signer)
        documents._hocbaso_cascade_check(req.role)
        extra = req.meta_json or {}
        signed = documents._hocbaso_finish_signing(
            prepared, values, req.role, certificate=req.certificate_id,
            meta=dict(extra.get("meta") or {}, name=req.certificate_id.employee_id.name or req.certificate_id.common_name),
            on_behalf=extra.get("on_behalf"))
        documents._hocbaso_cascade_after_sign(req.role)
        req.write({"state": "done", "prepared_json": False, "token_hash": False})
        return signed

    @api.model
    def _cron_expire(self):
        self.sudo().search([("state", "=", "pending"), ("expires_at", "<=", fields.Datetime.now())]).write(
            {"state": "expired", "prepared_json": False, "token_hash": False})

    def _fail(self, message):
        self.sudo().write({"state": "failed", "error": message, "prepared_json": False, "token_hash": False})

    @staticmethod
    def _error_text(err, lang):
        if isinstance(err, SigningError):
            return err.translate(lang)
        return str(err)

    def action_show_payload(self):
        self.ensure_one()
        return json.dumps(self.request_json, ensure_ascii=False)
