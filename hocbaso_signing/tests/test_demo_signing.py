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
        issued = transcripts.filtered(lambda t: t.state == "issued")
        for t in issued:
            self.assertEqual(t.signed_roles, "homeroom_teacher,principal,school_seal")
            self.assertTrue(t.pdf_file and t.xml_file)
            self.assertEqual(t.pdf_filename, f"{t.document_ref}.pdf")
        # "Dữ liệu đến đâu, ký số đến đó": a page blocked by the cross-check waits, the others are issued.
        for t in transcripts - issued:
            self.assertTrue(t.blocking_count, f"{t.name} is not issued but has no blocking finding")
        self.assertGreaterEqual(len(issued), len(transcripts) - 2)
        sheets = self.env["hocbaso.subject.sheet"].search([("class_id", "=", klass.id)])
        self.assertTrue(sheets and all(s.state == "signed" for s in sheets))
        report = self.env["hocbaso.certificate"].readiness_report(klass.company_id)
        self.assertEqual(report["homeroom_teacher"]["percent"], 100.0)
        self.assertEqual(report["school_seal"]["ready"], 1)

    def test_demo_shows_every_stage(self):
        def pages(name):
            return self.env.ref(f"hocbaso_core.demo_class_{name}").transcript_ids
        # A class fully issued, one page of it corrected: version 2 issued, version 1 superseded.
        self.assertEqual(set(pages("1b").mapped("state")), {"issued"})
        v2 = pages("1b").filtered(lambda t: t.version == 2)
        self.assertEqual(len(v2), 1)
        v1 = v2.previous_version_id
        self.assertEqual((v1.superseded_by_id, v1.active, v1.state), (v2, False, "issued"))
        report = self.env["hocbaso.verifier"].verify_file(
            "v1.pdf", v1.with_context(bin_size=False).pdf_file.decode())
        self.assertFalse(next(c for c in report["checks"] if c["code"] == "current_version")["ok"])
        # A class waiting for the principal.
        self.assertIn("checked", pages("2a").mapped("state"))
        self.assertFalse(pages("2a").filtered(lambda t: t.state in ("principal_signed", "issued")))
        # A returned page, its homeroom signature invalidated and kept.
        returned = pages("2b").filtered("returned")
        self.assertEqual((len(returned), returned.state), (1, "draft"))
        invalid = self.env["hocbaso.signature"].with_context(active_test=False).search(
            [("res_model", "=", "hocbaso.transcript"), ("res_id", "=", returned.id), ("active", "=", False)])
        self.assertTrue(invalid.invalidated_reason)
        # A class with blocking findings (identity mismatches, a reviewer's finding).
        blocked = pages("3a").filtered("blocking_count")
        self.assertGreaterEqual(len(blocked), 3)
        self.assertTrue(blocked.finding_ids.filtered(lambda f: f.origin == "manual"))
        self.assertTrue(blocked.finding_ids.filtered(lambda f: f.code == "identity" and f.severity == "blocking"))
        # Subject teachers at work, and classes still in data entry.
        sheets = self.env["hocbaso.subject.sheet"].search([("class_id", "=", self.env.ref("hocbaso_core.demo_class_3b").id)])
        self.assertEqual(set(sheets.mapped("state")), {"draft", "signed"})
        self.assertEqual(set(pages("4a").mapped("state")), {"draft"})
        self.assertTrue(self.env["hocbaso.signature"].check_chain()["ok"])

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
