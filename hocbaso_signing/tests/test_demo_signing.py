import base64
import os

from odoo.tests import TransactionCase, tagged

from ..models.hocbaso_signing_demo import demo_ca_path


@tagged("post_install", "-at_install")
class TestDemoSigning(TransactionCase):
    def test_demo_class_fully_signed(self):
        klass = self.env.ref("hocbaso_core.demo_class_1a")
        transcripts = klass.transcript_ids.filtered("result")
        self.assertTrue(transcripts)
        for t in transcripts:
            self.assertEqual(t.signed_roles, "homeroom_teacher,principal,school_seal")
            self.assertTrue(t.pdf_file and t.xml_file)
        t = transcripts[0]
        report = self.env["hocbaso.verifier"].verify_file(
            t.pdf_filename, base64.b64encode(base64.b64decode(t.with_context(bin_size=False).pdf_file)).decode())
        self.assertTrue(report["valid"], report)
        sheets = self.env["hocbaso.subject.sheet"].search([("class_id", "=", klass.id)])
        self.assertTrue(sheets and all(s.state == "signed" for s in sheets))
        self.assertTrue(os.path.exists(demo_ca_path()))
        report = self.env["hocbaso.certificate"].readiness_report(klass.company_id)
        self.assertEqual(report["homeroom_teacher"]["percent"], 100.0)
        self.assertEqual(report["school_seal"]["ready"], 1)
