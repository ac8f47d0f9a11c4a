import base64

from odoo.addons.hocbaso_core.tests.common import HocbasoCase

from ..tools import pki

PASSWORD = b"mat-khau-thu"


class SigningCase(HocbasoCase):
    """The core test school plus a test CA and a PKCS#12 certificate for each signer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"hocbaso_school_code": "31999999", "hocbaso_place_name": "Hải Phòng",
                           "hocbaso_principal_id": cls.e_principal.id})
        for i, pupil in enumerate(cls.pupils_a | cls.pupils_b):
            pupil.student_code = f"319999990{i:04d}"
        cls.ca = pki.make_ca("Test CA")
        Cert = cls.env["hocbaso.certificate"]
        Cert.create({"name": "Test CA", "kind": "trust_root", "company_id": cls.company.id,
                     "certificate_der": base64.b64encode(cls.ca.cert_der)})
        cls.keys = {}
        cls.certs = {}
        for key, employee in (("math", cls.e_math), ("music", cls.e_music), ("gvcn_a", cls.e_gvcn_a),
                              ("gvcn_b", cls.e_gvcn_b), ("principal", cls.e_principal), ("vp", cls.e_vp)):
            cls.certs[key] = cls._make_cert(employee.name, employee=employee)
        cls.certs["seal"] = cls._make_cert(cls.company.name, kind="seal")
        # Homeroom teachers teach the remaining subjects of their class in this test school.
        Assignment = cls.env["hocbaso.teaching.assignment"]
        for klass, gvcn in ((cls.class_a, cls.e_gvcn_a), (cls.class_b, cls.e_gvcn_b)):
            taught = klass.assignment_ids.subject_id
            for subject in klass.transcript_ids.subject_result_ids.subject_id - taught:
                Assignment.create({"class_id": klass.id, "subject_id": subject.id, "teacher_id": gvcn.id})

    @classmethod
    def _make_cert(cls, name, employee=None, kind="personal", issued=None):
        issued = issued or pki.issue(cls.ca, name)
        cert = cls.env["hocbaso.certificate"].create({
            "name": name, "kind": kind, "employee_id": employee.id if employee else False,
            "company_id": cls.company.id, "backend": "pkcs12",
            "certificate_der": base64.b64encode(issued.cert_der), "chain_pem": cls.ca.cert_pem.decode(),
            "pkcs12_file": base64.b64encode(issued.pkcs12(PASSWORD, name)),
        })
        cls.keys[cert.id] = issued
        return cert

    def backend(self, key):
        return self.certs[key]._get_backend(PASSWORD.decode())

    def sign_sheets_a(self, fill=True):
        """Fill class A's results (top levels) and let each teacher sign their subject sheets."""
        if fill:
            for t in self.class_a.transcript_ids:
                self.fill_top(t)
        Sheet = self.env["hocbaso.subject.sheet"]
        sheets = Sheet._ensure_for_classes(self.class_a) | Sheet.search([("class_id", "=", self.class_a.id)])
        for key, user in (("math", self.u_math), ("music", self.u_music), ("gvcn_a", self.u_gvcn_a)):
            mine = sheets.filtered(lambda s, e=user.employee_id: s.teacher_id == e and s.state == "draft")
            mine.with_user(user)._hocbaso_cascade_sign("subject_teacher", self.backend(key),
                                                       certificate=self.certs[key])
        return sheets

    def sign_class_a(self):
        """The whole cascade with the real users: teachers sign their subject sheets, the homeroom teacher signs
        the pupils' pages, the team leader checks them, the principal signs and applies the seal."""
        sheets = self.sign_sheets_a()
        transcripts = self.class_a.transcript_ids
        transcripts.with_user(self.u_gvcn_a)._hocbaso_cascade_sign(
            "homeroom_teacher", self.backend("gvcn_a"), certificate=self.certs["gvcn_a"])
        transcripts.with_user(self.u_leader).action_check()
        for role, key in (("principal", "principal"), ("school_seal", "seal")):
            transcripts.with_user(self.u_principal)._hocbaso_cascade_sign(role, self.backend(key),
                                                                          certificate=self.certs[key])
        return sheets, transcripts

    def file_b64(self, record, field):
        return record.with_context(bin_size=False)[field].decode() if isinstance(
            record.with_context(bin_size=False)[field], bytes) else record.with_context(bin_size=False)[field]
