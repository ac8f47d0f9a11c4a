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
        company.hocbaso_seal_holder_position = "principal"
        certs.filtered(lambda c: c.kind == "seal").employee_id = company.hocbaso_principal_id
        _logger.info("Demo PKI: %s certificates in %.1fs", len(certs), time.time() - start)
        self._demo_stages(company, certs)
        _logger.info("Demo signing stages done in %.1fs", time.time() - start)

    def _demo_class(self, company, name):
        return self.env.ref(f"hocbaso_core.demo_class_{name.lower()}", raise_if_not_found=False) or self.env[
            "hocbaso.class"].search([("company_id", "=", company.id), ("name", "=", name)], limit=1)

    def _demo_stages(self, company, certs):
        """Every stage of the cascade, done by the demo users themselves (with_user):

        1A issued; 1B issued with one page corrected (version 2 issued, version 1 superseded); 2A waiting for
        the principal; 2B signed by its homeroom teacher, one page returned by the team leader; 3A with
        blocking findings (pupil identity mismatches and a reviewer's finding), its other pages signed by the
        homeroom teacher; 3B: the subject teachers are signing; the other classes are in data entry."""
        principal = company.hocbaso_principal_id.user_id
        leader = self.env["hr.employee"].search([("company_id", "=", company.id),
                                                 ("hocbaso_position", "=", "team_leader")], limit=1).user_id
        stages = (("1A", "issued"), ("1B", "issued"), ("2A", "checked"), ("2B", "homeroom_signed"),
                  ("3A", "homeroom_signed"), ("3B", "sheets"))
        for name, upto in stages:
            klass = self._demo_class(company, name)
            if not klass:
                continue
            if name == "3A":
                # Identity problems found by the cross-check block two pupils' pages.
                pupils = klass.transcript_ids.student_id.sorted("name")[:2]
                pupils.sudo().write({"id_check_state": "mismatch"})
            self._sign_class(klass, certs, upto=upto, leader=leader, principal=principal)
        klass_1b, klass_2b, klass_3a = (self._demo_class(company, n) for n in ("1B", "2B", "3A"))
        if klass_2b and leader:
            page = klass_2b.transcript_ids.filtered(lambda p: p.state == "homeroom_signed")[:1]
            page.with_user(leader)._hocbaso_return(
                "draft", "Nhận xét của giáo viên chủ nhiệm chưa nêu rõ sự tiến bộ của học sinh; đề nghị bổ sung.")
        if klass_3a and leader:
            page = klass_3a.transcript_ids.filtered(lambda p: p.state == "homeroom_signed")[:1]
            self.env["hocbaso.finding"].with_user(leader).create({
                "transcript_id": page.id, "severity": "blocking",
                "message": "Điểm kiểm tra cuối năm môn Toán chưa khớp với bảng điểm của giáo viên bộ môn."})
        if klass_1b and principal:
            page = klass_1b.transcript_ids.filtered(lambda p: p.state == "issued")[:1]
            new = page.with_user(principal)._hocbaso_new_version(
                "Sửa lỗi chính tả trong nhận xét của giáo viên chủ nhiệm.")
            new.sudo().homeroom_comment = (page.homeroom_comment or "").replace("  ", " ").strip() + \
                " Em chăm ngoan, tích cực tham gia hoạt động của lớp."
            self._sign_pages(new, certs, "issued", leader=leader, principal=principal)

    def _backend(self, cert):
        return Pkcs12Backend(base64.b64decode(cert.with_context(bin_size=False).pkcs12_file), DEMO_PASSWORD)

    def _sign_class(self, klass, certs, upto="issued", leader=None, principal=None):
        Sheet = self.env["hocbaso.subject.sheet"]
        sheets = Sheet._ensure_for_classes(klass)
        by_teacher = {}
        for sheet in sheets:
            by_teacher.setdefault(sheet.teacher_id, Sheet)
            by_teacher[sheet.teacher_id] |= sheet
        for i, (teacher, teacher_sheets) in enumerate(by_teacher.items()):
            cert = certs.filtered(lambda c, t=teacher: c.employee_id == t)[:1]
            if not cert or not teacher.user_id or (upto == "sheets" and i % 2):
                continue  # "sheets": only some teachers have signed yet
            teacher_sheets.with_user(teacher.user_id)._hocbaso_cascade_sign(
                "subject_teacher", self._backend(cert), certificate=cert, meta={"name": teacher.name})
        if upto == "sheets":
            return klass.transcript_ids
        return self._sign_pages(klass.transcript_ids.filtered("result"), certs, upto, leader, principal)

    def _sign_pages(self, transcripts, certs, upto, leader=None, principal=None):
        klass = transcripts.class_id[:1]
        homeroom = klass.homeroom_teacher_id
        steps = [("homeroom_teacher", homeroom.user_id, certs.filtered(lambda c: c.employee_id == homeroom)[:1]),
                 ("check", leader, None),
                 ("principal", principal, certs.filtered(lambda c: c.employee_id == klass.company_id.hocbaso_principal_id)[:1]),
                 ("school_seal", principal, certs.filtered(lambda c: c.kind == "seal")[:1])]
        last = {"homeroom_signed": 1, "checked": 2, "principal_signed": 3, "issued": 4}[upto]
        pages = transcripts
        for role, user, cert in steps[:last]:
            if not user:
                break
            pages = pages.with_user(user)
            if role == "check":
                refused = pages._hocbaso_refusals("check")
                pages = pages.filtered(lambda p, r=refused: p.id not in r)
                pages.action_check()
                continue
            refused = pages._hocbaso_refusals(pages._hocbaso_sign_action(role))
            pages = pages.filtered(lambda p, r=refused: p.id not in r)
            if pages:
                pages._hocbaso_cascade_sign(role, self._backend(cert), certificate=cert,
                                            meta={"name": cert.employee_id.name or cert.common_name})
        return transcripts
