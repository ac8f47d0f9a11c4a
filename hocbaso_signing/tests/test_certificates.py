import base64
import datetime as dt

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools import pki
from .common import SigningCase


@tagged("post_install", "-at_install")
class TestCertificates(SigningCase):
    def test_registry_details(self):
        cert = self.certs["math"]
        issued = self.keys[cert.id]
        self.assertEqual(cert.common_name, self.e_math.name)
        self.assertEqual(cert.serial, format(issued.cert.serial_number, "x"))
        self.assertEqual(cert.state, "valid")
        self.assertIn("Test CA", cert.issuer)

    def test_expiry_warning_and_states(self):
        soon = pki.issue(self.ca, "Sắp Hết Hạn", days=20)
        cert = self._make_cert("Sắp Hết Hạn", employee=self.e_music, issued=soon)
        self.assertEqual(cert.state, "expiring")
        expired = pki.issue(self.ca, "Hết Hạn", not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), days=30)
        old = self._make_cert("Hết Hạn", employee=self.e_music, issued=expired)
        self.assertEqual(old.state, "expired")
        self.env["hocbaso.certificate"]._cron_expiry_warnings()
        self.assertEqual(len(cert.activity_ids), 1)
        self.assertEqual(cert.activity_ids.user_id, self.u_music)
        self.assertFalse(old.activity_ids)
        self.env["hocbaso.certificate"]._cron_expiry_warnings()
        self.assertEqual(len(cert.activity_ids), 1, "no duplicate warning")
        self.assertIn(cert, self.env["hocbaso.certificate"].search([("state", "=", "expiring")]))

    def test_readiness_report(self):
        report = self.env["hocbaso.certificate"].with_company(self.company).readiness_report(self.company)
        self.assertEqual(report["homeroom_teacher"]["percent"], 100.0)
        self.assertEqual(report["principal"]["ready"], 1)
        self.assertEqual(report["school_seal"]["ready"], 1)
        self.certs["music"].active = False
        report = self.env["hocbaso.certificate"].readiness_report(self.company)
        self.assertLess(report["subject_teacher"]["percent"], 100.0)
        self.assertIn(self.e_music.name, report["subject_teacher"]["missing"])

    def test_password_is_not_stored(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT count(*) FROM hocbaso_certificate WHERE row_to_json(hocbaso_certificate)::text "
                            "LIKE %s", ["%mat-khau-thu%"])
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        data = base64.b64decode(self.certs["math"].with_context(bin_size=False).pkcs12_file)
        self.assertNotIn(b"BEGIN PRIVATE KEY", data)

    def test_teacher_sees_own_certificate_only(self):
        visible = self.env["hocbaso.certificate"].with_user(self.u_math).search([])
        self.assertIn(self.certs["math"], visible)
        self.assertNotIn(self.certs["music"], visible)
        self.assertIn(self.certs["seal"], visible)


@tagged("post_install", "-at_install")
class TestSignatureLog(SigningCase):
    def test_hash_chain_reports_first_broken_link(self):
        _sheets, transcripts = self.sign_class_a()
        Log = self.env["hocbaso.signature"]
        result = Log.check_chain()
        self.assertTrue(result["ok"], result)
        self.assertGreaterEqual(result["count"], 3 * len(transcripts))
        entries = Log.search([], order="chain_seq")
        self.assertEqual(entries[1].chain_prev, entries[0].chain_hash)
        with self.assertRaises(UserError):
            entries[0].signer_name = "Người khác"
        with self.assertRaises(UserError):
            entries[0].unlink()
        entries[0].active = False  # a return invalidates a signature: kept, chain intact
        self.assertTrue(Log.check_chain()["ok"])
        victim = entries[len(entries) // 2]
        self.env.cr.execute("UPDATE hocbaso_signature SET certificate_serial = 'ff' WHERE id = %s", [victim.id])
        self.env.invalidate_all()
        result = Log.check_chain()
        self.assertFalse(result["ok"])
        self.assertEqual(result["broken_seq"], victim.chain_seq)
