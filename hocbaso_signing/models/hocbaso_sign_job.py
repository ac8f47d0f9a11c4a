import logging
import time

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import config

from ..tools import secrets
from ..tools.backends import SigningError

_logger = logging.getLogger(__name__)
BATCH_SIZE = 50
STALE_AFTER = 600  # seconds without progress: the worker died, the job may be resumed


class HocbasoSignJob(models.Model):
    """A batch signing run: documents signed by batches, each batch committed with the progress.

    A crash loses at most the batch in flight (rolled back as a whole); resuming skips every document
    already signed for the role, so nothing is signed twice. The PIN/password is kept encrypted with the
    key outside the database (tools/secrets.py) only while the job runs, then erased."""

    _name = "hocbaso.sign.job"
    _description = "Batch signing job"
    _order = "id desc"

    name = fields.Char("Job", required=True, readonly=True, default=lambda self: _("Signing job"))
    user_id = fields.Many2one("res.users", "Signer", required=True, readonly=True, default=lambda self: self.env.user,
                              index=True)
    company_id = fields.Many2one("res.company", "School", required=True, readonly=True,
                                 default=lambda self: self.env.company)
    res_model = fields.Selection([("hocbaso.transcript", "Year pages"), ("hocbaso.subject.sheet", "Subject sheets")],
                                 "Documents", required=True, readonly=True)
    res_ids = fields.Json("Documents to sign", readonly=True)
    done_ids = fields.Json("Signed documents", readonly=True, default=list)
    skipped = fields.Text("Not signed", readonly=True)
    sign_role = fields.Char("Sign as", required=True, readonly=True)
    certificate_id = fields.Many2one("hocbaso.certificate", "Certificate", required=True, readonly=True)
    secret_encrypted = fields.Char("Encrypted secret", readonly=True, copy=False, groups="base.group_system")
    batch_size = fields.Integer("Batch size", default=BATCH_SIZE, readonly=True)
    state = fields.Selection([("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                             "Status", default="queued", required=True, readonly=True, index=True)
    total = fields.Integer("Number of documents", compute="_compute_progress")
    done_count = fields.Integer("Signed", compute="_compute_progress")
    progress = fields.Float("Progress (%)", compute="_compute_progress")
    heartbeat = fields.Datetime("Last progress", readonly=True)
    error = fields.Text("Error", readonly=True)

    @api.depends("res_ids", "done_ids")
    def _compute_progress(self):
        for job in self:
            job.total = len(job.res_ids or [])
            job.done_count = len(job.done_ids or [])
            job.progress = 100.0 * job.done_count / job.total if job.total else 100.0

    @api.model
    def _secret_key(self):
        return config["data_dir"], config.get("hocbaso_secret_key")

    @api.model
    def _start(self, documents, role, certificate, secret):
        """Create the job for ``documents`` (the current user signs) and return it."""
        size = int(self.env["ir.config_parameter"].sudo().get_param("hocbaso_signing.sign_batch_size") or BATCH_SIZE)
        return self.sudo().create({
            "batch_size": max(size, 1), "res_model": documents._name, "res_ids": documents.ids, "sign_role": role,
            "certificate_id": certificate.id, "company_id": (documents.company_id[:1] or self.env.company).id,
            "user_id": self.env.user.id, "name": _("%(count)s documents — %(cert)s", count=len(documents),
                                                  cert=certificate.name),
            "secret_encrypted": secrets.encrypt(secret, *self._secret_key()) if secret else False,
        }).sudo(False)

    def _pending(self):
        """Documents still waiting for this job's signature (already signed ones are skipped: resume-safe)."""
        self.ensure_one()
        docs = self.env[self.res_model].with_user(self.user_id).browse(self.res_ids or []).exists()
        done = set(self.done_ids or [])
        return docs.filtered(lambda d: d.id not in done and self.sign_role not in d.sudo()._hocbaso_roles_done())

    def _run(self, max_batches=None):
        """Sign the pending documents batch by batch; commit after each batch (outside tests)."""
        self.ensure_one()
        job = self.sudo()
        if job.state == "done":
            return job
        secret = secrets.decrypt(job.secret_encrypted, *self._secret_key()) if job.secret_encrypted else None
        job.write({"state": "running", "heartbeat": fields.Datetime.now(), "error": False})
        # One commit per batch (a crash loses at most the batch in flight); not inside tests or when the caller
        # owns the transaction (benchmarks roll back).
        testing = modules.module.current_test or self.env.context.get("hocbaso_no_commit")
        try:
            backend = job.certificate_id.with_user(job.user_id)._get_backend(secret)
            pending = job._pending()
            # The cross-check findings are stored here, once; the signing step below re-checks without storing.
            refused = pending._hocbaso_refusals(pending._hocbaso_sign_action(job.sign_role))
            if refused:
                job.skipped = "\n".join(refused.values())
                pending = pending.filtered(lambda d: d.id not in refused)
                if not pending and not job.done_ids:
                    raise UserError(job.skipped)
            batches = 0
            meta = {"name": job.certificate_id.employee_id.name or job.certificate_id.common_name}
            while pending and (max_batches is None or batches < max_batches):
                chunk, pending = pending[:job.batch_size], pending[job.batch_size:]
                start = time.monotonic()
                with self.env.cr.savepoint():
                    chunk._hocbaso_cascade_sign(job.sign_role, backend, certificate=job.certificate_id, meta=meta,
                                                store_findings=False)
                    job.write({"done_ids": [*(job.done_ids or []), *chunk.ids], "heartbeat": fields.Datetime.now()})
                batches += 1
                _logger.info("Signing job %s: %s/%s documents (%.2fs for this batch)", job.id, job.done_count,
                             job.total, time.monotonic() - start)
                if not testing:
                    self.env.cr.commit()
            if not pending:
                job.write({"state": "done", "secret_encrypted": False})
        except (SigningError, UserError) as err:
            message = err.translate(self.env.lang) if isinstance(err, SigningError) else str(err)
            job.write({"state": "failed", "error": message, "secret_encrypted": False})
            if not testing:
                self.env.cr.commit()
            raise UserError(_("Signing stopped after %(done)s of %(total)s documents: %(error)s",
                              done=job.done_count, total=job.total, error=message)) from err
        return job

    @api.model
    def _cron_run(self):
        """Run queued jobs and resume those whose worker stopped (no progress for 10 minutes)."""
        stale = fields.Datetime.subtract(fields.Datetime.now(), seconds=STALE_AFTER)
        jobs = self.sudo().search(["|", ("state", "=", "queued"), "&", ("state", "=", "running"),
                                   ("heartbeat", "<", stale)], order="id")
        for job in jobs:
            try:
                job._run()
            except UserError:
                _logger.warning("Signing job %s failed: %s", job.id, job.error)

    def action_resume(self):
        """Resume a failed or interrupted job (the documents already signed are not signed again). The PIN
        was erased when the job stopped: the signer enters it again."""
        self.ensure_one()
        if self.user_id != self.env.user and not self.env.su:
            raise UserError(_("Only the signer can resume this job."))
        if self.state == "done":
            return True
        return {"type": "ir.actions.act_window", "res_model": "hocbaso.sign.wizard", "view_mode": "form",
                "target": "new", "name": _("Resume signing"),
                "context": {"active_model": self.res_model, "active_ids": self.res_ids, "default_job_id": self.id,
                            "default_role": self.sign_role, "default_certificate_id": self.certificate_id.id}}
