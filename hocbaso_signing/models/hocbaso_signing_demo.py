import base64
import logging
import os
import time

from odoo import api, models
from odoo.tools import config

from ..tools import pki
from ..tools.backends.pkcs12 import Pkcs12Backend

_logger = logging.getLogger(__name__)
DEMO_PASSWORD = b"hocbaso"  # documented demo PIN of every demo PKCS#12 file; never stored by the application


def demo_ca_path(dbname):
    """Where the demo CA certificate of database ``dbname`` is exported (one per database)."""
    return os.path.join(config["data_dir"], "hocbaso", dbname, "demo_ca.pem")


class HocbasoSigningDemo(models.AbstractModel):
    _name = "hocbaso.signing.demo"
    _description = "Demo signing data"

    @api.model
    def _generate_demo_signing(self):
        """Demo CA, a certificate for every demo signer and the school seal, and class 1A fully signed."""
        start = time.time()
        Cert = self.env["hocbaso.certificate"]
        company = self.env.company
        if Cert.search_count([("kind", "=", "trust_root"), ("company_id", "=", company.id)]):
            return
        ca = pki.make_ca("Học bạ số Demo CA", "Học bạ số Demo")
        path = demo_ca_path(self.env.cr.dbname)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(ca.cert_pem)
        ca_pem = ca.cert_pem.decode()
        Cert.create({"name": "Học bạ số Demo CA", "kind": "trust_root", "company_id": company.id,
                     "certificate_der": base64.b64encode(ca.cert_der)})
        employees = self.env["hr.employee"].search([("company_id", "=", company.id),
                                                    ("hocbaso_position", "!=", False)])
        vals, keys = [], {}
        for emp in employees:
            issued = pki.issue(ca, emp.name, org=company.name)
            keys[emp.id] = issued
            vals.append({"name": emp.name, "kind": "personal", "employee_id": emp.id, "company_id": company.id,
                         "backend": "pkcs12", "certificate_der": base64.b64encode(issued.cert_der),
                         "chain_pem": ca_pem,
                         "pkcs12_file": base64.b64encode(issued.pkcs12(DEMO_PASSWORD, emp.name))})
        seal = pki.issue(ca, company.name, org=company.name)
        vals.append({"name": f"Chứng thư số tổ chức — {company.name}", "kind": "seal", "company_id": company.id,
                     "backend": "pkcs12", "certificate_der": base64.b64encode(seal.cert_der), "chain_pem": ca_pem,
                     "pkcs12_file": base64.b64encode(seal.pkcs12(DEMO_PASSWORD, "seal"))})
        certs = Cert.create(vals)
        _logger.info("Demo PKI: %s certificates in %.1fs", len(certs), time.time() - start)
        klass = self.env.ref("hocbaso_core.demo_class_1a", raise_if_not_found=False) or self.env["hocbaso.class"].search(
            [("company_id", "=", company.id)], order="grade, name", limit=1)
        self._sign_class(klass, certs)
        _logger.info("Demo signing of class %s done in %.1fs", klass.name, time.time() - start)

    def _backend(self, cert):
        return Pkcs12Backend(base64.b64decode(cert.with_context(bin_size=False).pkcs12_file), DEMO_PASSWORD)

    def _sign_class(self, klass, certs):
        Sheet = self.env["hocbaso.subject.sheet"]
        sheets = Sheet._ensure_for_classes(klass)
        by_teacher = {}
        for sheet in sheets:
            by_teacher.setdefault(sheet.teacher_id, Sheet)
            by_teacher[sheet.teacher_id] |= sheet
        for teacher, teacher_sheets in by_teacher.items():
            cert = certs.filtered(lambda c, t=teacher: c.employee_id == t)[:1]
            if not cert:
                continue
            teacher_sheets.action_render_renditions()
            teacher_sheets._hocbaso_sign("subject_teacher", self._backend(cert), certificate=cert,
                                         meta={"name": teacher.name})
        transcripts = klass.transcript_ids.filtered("result")
        transcripts.action_render_renditions()
        homeroom = certs.filtered(lambda c: c.employee_id == klass.homeroom_teacher_id)[:1]
        principal = certs.filtered(lambda c: c.employee_id == klass.company_id.hocbaso_principal_id)[:1]
        seal = certs.filtered(lambda c: c.kind == "seal")[:1]
        for role, cert in (("homeroom_teacher", homeroom), ("principal", principal), ("school_seal", seal)):
            transcripts._hocbaso_sign(role, self._backend(cert), certificate=cert,
                                      meta={"name": cert.employee_id.name or cert.common_name})
        return transcripts
