import base64
import os
import subprocess
import tempfile

from odoo.tests import TransactionCase, tagged

from ..models.hocbaso_signing_demo import demo_ca_path

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYHANKO_CLI = os.path.join(REPO, ".build", "venv-pki", "bin", "pyhanko")


@tagged("post_install", "-at_install")
class TestDemoSigning(TransactionCase):
    def test_demo_class_fully_signed(self):
        klass = self.env.ref("hocbaso_core.demo_class_1a")
        transcripts = klass.transcript_ids.filtered("result")
        self.assertGreaterEqual(len(transcripts), 25)
        for t in transcripts:
            self.assertEqual(t.signed_roles, "homeroom_teacher,principal,school_seal")
            self.assertTrue(t.pdf_file and t.xml_file)
            self.assertEqual(t.pdf_filename, f"{t.document_ref}.pdf")
        sheets = self.env["hocbaso.subject.sheet"].search([("class_id", "=", klass.id)])
        self.assertTrue(sheets and all(s.state == "signed" for s in sheets))
        report = self.env["hocbaso.certificate"].readiness_report(klass.company_id)
        self.assertEqual(report["homeroom_teacher"]["percent"], 100.0)
        self.assertEqual(report["school_seal"]["ready"], 1)

    def test_demo_files_pass_independent_validators(self):
        """The demo CA exported to its documented path validates the demo files with independent tools."""
        ca = demo_ca_path(self.env.cr.dbname)
        self.assertTrue(os.path.exists(ca))
        t = self.env.ref("hocbaso_core.demo_class_1a").transcript_ids.filtered("signed_roles")[0]
        pdf = base64.b64decode(t.with_context(bin_size=False).pdf_file)
        xml = base64.b64decode(t.with_context(bin_size=False).xml_file)
        with tempfile.TemporaryDirectory() as tmp:
            pdf_path, xml_path = os.path.join(tmp, "demo.pdf"), os.path.join(tmp, "demo.xml")
            with open(pdf_path, "wb") as fh:
                fh.write(pdf)
            with open(xml_path, "wb") as fh:
                fh.write(xml)
            res = subprocess.run([PYHANKO_CLI, "sign", "validate", "--no-revocation-check", "--trust", ca,
                                  "--trust-replace", "--executive-summary", pdf_path], capture_output=True, text=True)
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            self.assertEqual(res.stdout.count(":VALID"), 3, res.stdout)
            res = subprocess.run(["pdfsig", pdf_path], capture_output=True, text=True)
            self.assertEqual(res.stdout.count("Signature is Valid."), 3, res.stdout)
            for n in (1, 2, 3):
                res = subprocess.run(["xmlsec1", "--verify", "--trusted-pem", ca, "--id-attr:Id", "DLHocBa",
                                      "--node-xpath", f"(//*[local-name()='Signature'])[{n}]", xml_path],
                                     capture_output=True, text=True)
                self.assertEqual(res.returncode, 0, res.stderr)
        for name, data in (("demo.pdf", pdf), ("demo.xml", xml)):
            result = self.env["hocbaso.verifier"].verify_file(name, base64.b64encode(data).decode())
            self.assertTrue(result["valid"], result)
            self.assertEqual(result["transcript_ref"], t.document_ref)
