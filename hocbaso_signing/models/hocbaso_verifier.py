import base64
import binascii
import logging

from lxml import etree

from odoo import _, api, models
from odoo.addons.hocbaso_core.tools.errors import RuleError

from ..tools import pdf_verify, xml_verify

_logger = logging.getLogger(__name__)
MAX_SIZE = 20 * 1024 * 1024
DOCUMENT_MODELS = ("hocbaso.transcript", "hocbaso.subject.sheet")


class HocbasoVerifier(models.AbstractModel):
    """Verify a signed transcript file (PDF or XML); callable over RPC by anyone allowed to call it."""

    _name = "hocbaso.verifier"
    _description = "Transcript verification"

    @api.model
    def verify_file(self, filename, data_base64):
        """Return ``{'valid', 'kind', 'checks': [{'code', 'ok', 'message'}], 'signatures', 'transcript_ref'}``."""
        try:
            data = base64.b64decode(data_base64 or "", validate=True)
        except (binascii.Error, ValueError):
            return self._failure(_("The file is not valid base64 data."))
        if not data:
            return self._failure(_("The file is empty."))
        if len(data) > MAX_SIZE:
            return self._failure(_("The file is larger than 20 MB."))
        trust_roots = self.env["hocbaso.certificate"].sudo()._trust_roots()
        kind = "pdf" if data.lstrip()[:5] == b"%PDF-" else "xml"
        try:
            if kind == "pdf":
                report = pdf_verify.verify(data, trust_roots, revocation=True)
            else:
                report = xml_verify.verify(data, trust_roots, self._schema_for(data)._directory())
        except RuleError as err:
            return self._failure(err.translate(self.env.lang), kind=kind)
        except Exception:  # a verifier answers, it never crashes on hostile input
            _logger.exception("Verification of %s failed", filename)
            return self._failure(_("The file could not be analysed."), kind=kind)
        report["checks"] = [dict(c, message=str(c.get("message", ""))) for c in report.get("checks", [])]
        report.update(self._database_checks(report))
        report["valid"] = all(c["ok"] for c in report["checks"])
        report["filename"] = filename
        return report

    def _schema_for(self, data):
        """The schema version the XML declares (phienbanschema), else the newest one."""
        Schema = self.env["hocbaso.xml.schema"].sudo()
        version = None
        try:
            root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
            found = root.xpath("//*[local-name()='phienbanschema']/text()")
            version = found[0].strip() if found else None
        except etree.XMLSyntaxError:
            pass
        schema = Schema.search([("version", "=", version)], limit=1) if version else Schema
        return schema or Schema.search([], limit=1)

    def _failure(self, message, kind=None):
        return {"valid": False, "kind": kind, "checks": [{"code": "format", "ok": False, "message": message}],
                "signatures": [], "transcript_ref": None}

    def _database_checks(self, report):
        sha = report.get("snapshot_sha256")
        doc_ref = report.get("document_id")
        checks = list(report["checks"])
        record = None
        for model in DOCUMENT_MODELS:
            record = self.env[model].sudo().with_context(active_test=False).search(
                [("document_ref", "=", doc_ref)], limit=1) if doc_ref else None
            if record:
                break
        if not record:
            checks.append({"code": "snapshot_hash", "ok": False,
                           "message": _("No document with reference %(ref)s was issued by this system.",
                                        ref=doc_ref or "?")})
        elif record.snapshot_sha256 != sha:
            checks.append({"code": "snapshot_hash", "ok": False,
                           "message": _("The content does not match the issued document %(ref)s.", ref=doc_ref)})
        else:
            checks.append({"code": "snapshot_hash", "ok": True,
                           "message": _("The content matches the issued document %(ref)s.", ref=doc_ref)})
            superseded = record._fields.get("superseded_by_id") and record.superseded_by_id
            if superseded:
                checks.append({"code": "current_version", "ok": False,
                               "message": _("Superseded by version %(version)s.", version=superseded.version)})
            else:
                checks.append({"code": "current_version", "ok": True,
                               "message": _("This is the current version of the document.")})
        checks.append(self._signer_check(report.get("signatures") or []))
        return {"checks": checks, "transcript_ref": doc_ref}

    def _signer_check(self, signatures):
        """Every signature must come from a certificate registered here for that role (a person's own
        certificate for a person's step, the school's organisation certificate for the seal)."""
        Cert = self.env["hocbaso.certificate"].sudo().with_context(active_test=False)
        for sig in signatures:
            serial = (sig.get("serial") or "").lower()
            cert = Cert.search([("serial", "=", serial), ("kind", "!=", "trust_root")], limit=1) if serial else Cert
            role = sig.get("role")
            expected_kind = "seal" if role == "school_seal" else "personal"
            if not cert or (role and cert.kind != expected_kind):
                return {"code": "signer_authorized", "ok": False,
                        "message": _("The signature of %(signer)s was not made with a certificate registered "
                                     "for this role.", signer=sig.get("signer") or "?")}
        return {"code": "signer_authorized", "ok": True,
                "message": _("Every signature was made with a registered certificate for its role.")}
