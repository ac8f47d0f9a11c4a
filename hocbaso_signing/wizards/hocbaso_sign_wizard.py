import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from ..models.hocbaso_signature import ROLES
from ..tools import secrets
from ..tools.backends import SigningError

_logger = logging.getLogger(__name__)
BATCH_SIZE = 50


class HocbasoSignWizard(models.TransientModel):
    """Sign many documents with one confirmation (one PIN entry / one remote authorisation)."""

    _name = "hocbaso.sign.wizard"
    _description = "Sign documents"

    res_model = fields.Selection([("hocbaso.transcript", "Transcripts"), ("hocbaso.subject.sheet", "Subject sheets")],
                                 required=True, default=lambda self: self.env.context.get("active_model"))
    res_ids = fields.Json("Documents", default=lambda self: self.env.context.get("active_ids") or [])
    document_count = fields.Integer("Number of documents", compute="_compute_document_count")
    role = fields.Selection(ROLES, "Sign as", required=True)
    certificate_id = fields.Many2one("hocbaso.certificate", "Certificate", required=True,
                                     domain="[('kind', '!=', 'trust_root')]")
    backend = fields.Selection(related="certificate_id.backend")
    secret = fields.Char("PIN / password", compute="_compute_secret", inverse="_inverse_secret",
                         help="Asked now and never stored in clear.")
    secret_encrypted = fields.Char("Encrypted secret", copy=False)
    request_id = fields.Many2one("hocbaso.sign.request", "Signing request", readonly=True)
    token_encrypted = fields.Char(copy=False)
    desktop_command = fields.Text("Command for the desktop signer", compute="_compute_desktop_command")

    def _compute_desktop_command(self):
        for wiz in self:
            token = secrets.decrypt(wiz.token_encrypted, config["data_dir"], config.get("hocbaso_secret_key"))
            if not (wiz.request_id and token):
                wiz.desktop_command = False
                continue
            base = wiz.get_base_url()
            wiz.desktop_command = (
                f"python desktop_signer.py --url {base} --request {wiz.request_id.name} --token {token} "
                "--module <PKCS#11 library of the token> --token-label <token label>")

    @api.depends("res_ids")
    def _compute_document_count(self):
        for wiz in self:
            wiz.document_count = len(wiz.res_ids or [])

    def _compute_secret(self):
        for wiz in self:
            wiz.secret = False

    def _inverse_secret(self):
        for wiz in self:
            wiz.secret_encrypted = secrets.encrypt(wiz.secret, config["data_dir"], config.get("hocbaso_secret_key"))

    def _documents(self):
        return self.env[self.res_model].browse(self.res_ids or []).exists()

    def action_sign(self):
        self.ensure_one()
        docs = self._documents()
        if not docs:
            raise UserError(_("Select at least one document to sign."))
        secret = secrets.decrypt(self.secret_encrypted, config["data_dir"], config.get("hocbaso_secret_key"))
        self.secret_encrypted = False
        cert = self.certificate_id
        if cert.user_id and cert.user_id != self.env.user and not self.env.su:
            raise UserError(_("You can only sign with your own certificate."))
        if cert.backend == "external":
            request, token = self.env["hocbaso.sign.request"]._create_for(
                docs, self.role, cert, meta={"name": cert.employee_id.name or cert.common_name})
            self.write({"request_id": request.id, "token_encrypted": secrets.encrypt(
                token, config["data_dir"], config.get("hocbaso_secret_key"))})
            return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                    "view_mode": "form", "target": "new"}
        try:
            backend = cert._get_backend(secret)
            signed = self.env["hocbaso.signature"]
            for start in range(0, len(docs), BATCH_SIZE):
                chunk = docs[start:start + BATCH_SIZE]
                signed |= chunk._hocbaso_sign(self.role, backend, certificate=cert,
                                              meta={"name": cert.employee_id.name or cert.common_name})
                _logger.info("Signed %s/%s documents as %s", start + len(chunk), len(docs), self.role)
        except SigningError as err:
            raise UserError(_("Signing failed: %(error)s", error=str(err))) from err
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": _("%(count)s documents signed.", count=len(signed)),
            "next": {"type": "ir.actions.act_window_close"}}}
