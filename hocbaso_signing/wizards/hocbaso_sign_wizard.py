import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from ..models.hocbaso_signature import ROLES
from ..tools import secrets
from ..tools.backends import SigningError

_logger = logging.getLogger(__name__)


class HocbasoSignWizard(models.TransientModel):
    """Sign many documents with one confirmation (one PIN entry / one remote authorisation)."""

    _name = "hocbaso.sign.wizard"
    _inherit = "hocbaso.document.wizard.mixin"
    _description = "Sign documents"

    role = fields.Selection(ROLES, "Sign as", required=True, default=lambda self: self._default_role())
    certificate_id = fields.Many2one("hocbaso.certificate", "Certificate", required=True,
                                     domain="[('kind', '!=', 'trust_root')]",
                                     default=lambda self: self._default_certificate())
    eligible_count = fields.Integer("Can be signed now", compute="_compute_eligibility")
    refused_summary = fields.Text("Cannot be signed now", compute="_compute_eligibility")
    job_id = fields.Many2one("hocbaso.sign.job", "Signing job", readonly=True)
    job_progress = fields.Float(related="job_id.progress", string="Progress (%)")
    job_state = fields.Selection(related="job_id.state", string="Job status")
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

    @api.model
    def _default_role(self):
        role = self.env.context.get("default_role")
        if role:
            return role
        return "subject_teacher" if self.env.context.get("active_model") == "hocbaso.subject.sheet" else False

    @api.model
    def _default_certificate(self):
        """The signer's own usable certificate; the school's seal certificate for the seal."""
        Cert = self.env["hocbaso.certificate"]
        role = self.env.context.get("default_role") or self._default_role()
        if role == "school_seal":
            certs = Cert.search([("kind", "=", "seal"), ("company_id", "in", self.env.companies.ids)])
        else:
            certs = Cert.search([("kind", "=", "personal"), ("user_id", "=", self.env.uid)])
        return certs.filtered(lambda c: c.is_usable())[:1]

    @api.depends("res_ids", "res_model", "role")
    def _compute_eligibility(self):
        for wiz in self:
            docs = wiz._documents() if wiz.res_model else None
            if not docs or not wiz.role:
                wiz.eligible_count, wiz.refused_summary = len(docs or []), False
                continue
            refused = wiz._refusals(docs)
            wiz.eligible_count = len(docs) - len(refused)
            wiz.refused_summary = "\n".join(refused.values()) or False

    def _refusals(self, docs, store=False):
        """``{document id: reason}`` of what cannot be signed now; the preview (store=False) keeps no finding."""
        try:
            action = docs._hocbaso_sign_action(self.role)
        except UserError as err:
            return dict.fromkeys(docs.ids, err.args[0])
        return docs._hocbaso_refusals(action, store=store)

    def _compute_secret(self):
        for wiz in self:
            wiz.secret = False

    def _inverse_secret(self):
        for wiz in self:
            wiz.secret_encrypted = secrets.encrypt(wiz.secret, config["data_dir"], config.get("hocbaso_secret_key"))


    def action_sign(self):
        """Sign every document that can be signed now with ONE confirmation (PIN / remote authorisation),
        by batches committed one by one (a crash is resumed without signing anything twice)."""
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
            refused = self._refusals(docs, store=True)
            if len(refused) == len(docs):
                raise UserError("\n".join(refused.values()))
            docs = docs.filtered(lambda d: d.id not in refused)
            request, token = self.env["hocbaso.sign.request"]._create_for(
                docs, self.role, cert, meta={"name": cert.employee_id.name or cert.common_name})
            self.write({"request_id": request.id, "token_encrypted": secrets.encrypt(
                token, config["data_dir"], config.get("hocbaso_secret_key"))})
            return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                    "view_mode": "form", "target": "new"}
        try:
            cert._get_backend(secret)  # wrong PIN / unusable certificate: stop before anything is queued
        except SigningError as err:
            raise UserError(_("Signing failed: %(error)s", error=err.translate(self.env.lang))) from err
        Job = self.env["hocbaso.sign.job"]
        if self.job_id:
            job = self.job_id
            if job.user_id != self.env.user:
                raise UserError(_("Only the signer can resume this job."))
            job.sudo().write({"secret_encrypted": secrets.encrypt(secret, *Job._secret_key()) if secret else False,
                              "state": "queued"})
        else:
            job = Job._start(docs, self.role, cert, secret)
        if len(job._pending()) > job.batch_size:
            # Long batch: the scheduler runs it (progress on the job, one commit per batch).
            self.env.ref("hocbaso_signing.ir_cron_hocbaso_sign_jobs")._trigger()
            return {"type": "ir.actions.act_window", "res_model": "hocbaso.sign.job", "res_id": job.id,
                    "view_mode": "form", "target": "current", "name": _("Signing job")}
        job._run()  # the job leaves out (and lists) what cannot be signed now
        skipped = job.sudo().skipped
        message = _("%(count)s documents signed.", count=job.done_count)
        if skipped:
            message = _("%(message)s %(refused)s not signed: %(reasons)s", message=message,
                        refused=len(skipped.splitlines()), reasons="; ".join(skipped.splitlines()))
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "warning" if skipped else "success", "message": message, "sticky": bool(skipped),
            "next": {"type": "ir.actions.act_window_close"}}}
