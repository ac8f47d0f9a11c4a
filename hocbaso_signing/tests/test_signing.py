import base64
import json
import os
import subprocess
import tempfile

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools import snapshot as snapshot_tools
from .common import SigningCase


@tagged("post_install", "-at_install")
class TestSigning(SigningCase):
    def _write(self, tmp, name, data):
        path = os.path.join(tmp, name)
        with open(path, "wb") as fh:
            fh.write(data)
        return path

    def test_renditions_from_one_snapshot(self):
        t = self.transcript_a1
        self.fill_top(t)
        t.action_render_renditions()
        snap = t.get_snapshot()
        self.assertEqual(snap["student"]["personal_id"], "031217000101")
        self.assertEqual(snap["result"], "htxs")
        self.assertEqual(t.snapshot_sha256, snapshot_tools.sha256(snap))
        xml1 = base64.b64decode(t.with_context(bin_size=False).xml_file)
        pdf = base64.b64decode(t.with_context(bin_size=False).pdf_file)
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertIn(t.snapshot_sha256.encode(), xml1)
        self.assertIn(t.snapshot_sha256.encode(), pdf)
        # Re-rendering the same snapshot gives identical XML bytes.
        from ..tools import xml_document
        xml2 = xml_document.render(snap, t.xml_schema_id._directory())
        self.assertEqual(xml1, xml2)
        self.assertTrue(t.pdf_filename.endswith(".pdf") and t.xml_filename.endswith(".xml"))

    def test_batch_render_class(self):
        for t in self.class_a.transcript_ids:
            self.fill_top(t)
        self.class_a.transcript_ids.action_render_renditions()
        shas = self.class_a.transcript_ids.mapped("snapshot_sha256")
        self.assertEqual(len(set(shas)), 2, "one snapshot per pupil")
        for t in self.class_a.transcript_ids:
            self.assertIn(t.student_id.name, json.loads(t.snapshot_json)["student"]["full_name"])

    def test_full_cascade_and_independent_validators(self):
        sheets, transcripts = self.sign_class_a()
        self.assertTrue(all(s.state == "signed" for s in sheets))
        t = transcripts[0]
        self.assertEqual(t.signed_roles, "homeroom_teacher,principal,school_seal")
        xml = base64.b64decode(t.with_context(bin_size=False).xml_file)
        pdf = base64.b64decode(t.with_context(bin_size=False).pdf_file)
        # The year page records the hash of every signed subject sheet it draws on.
        for sheet in sheets:
            self.assertIn(sheet.snapshot_sha256.encode(), xml)
        self.assertEqual(self.env["hocbaso.signature"].search_count(
            [("res_model", "=", "hocbaso.transcript"), ("res_id", "=", t.id)]), 3)
        schema_dir = t.xml_schema_id._directory()
        xsd = [f for f in os.listdir(schema_dir) if f.endswith(".xsd") and "xmldsig" not in f]
        with tempfile.TemporaryDirectory() as tmp:
            ca = self._write(tmp, "ca.pem", self.ca.cert_pem)
            pdf_path = self._write(tmp, "t.pdf", pdf)
            xml_path = self._write(tmp, "t.xml", xml)
            out = subprocess.run(["pdfsig", pdf_path], capture_output=True, text=True)
            self.assertEqual(out.stdout.count("Signature Validation: Signature is Valid."), 3, out.stdout)
            self.assertIn("Total document signed", out.stdout)
            res = subprocess.run([PYHANKO_CLI, "sign", "validate", "--no-revocation-check", "--trust", ca,
                                  "--trust-replace", "--executive-summary", pdf_path], capture_output=True, text=True)
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            for field in ("GVCN", "HieuTruong", "DonVi"):
                self.assertIn(f"{field}:", res.stdout)
            self.assertEqual(res.stdout.count(":VALID"), 3, res.stdout)
            res = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(schema_dir, sorted(xsd)[0]),
                                  xml_path], capture_output=True, text=True)
            self.assertEqual(res.returncode, 0, res.stderr)
        for kind, data in (("pdf", pdf), ("xml", xml)):
            report = self.env["hocbaso.verifier"].verify_file(f"t.{kind}", base64.b64encode(data).decode())
            self.assertTrue(report["valid"], report)
            self.assertEqual(report["kind"], kind)
            self.assertEqual(report["transcript_ref"], t.document_ref)
            self.assertEqual(len(report["signatures"]), 3)
            codes = {c["code"] for c in report["checks"]}
            self.assertTrue({"signature_intact", "chain_trusted", "snapshot_hash", "current_version"} <= codes)

    def test_verifier_rejects_foreign_and_tampered_files(self):
        _sheets, transcripts = self.sign_class_a()
        t = transcripts[0]
        xml = base64.b64decode(t.with_context(bin_size=False).xml_file)
        tampered = xml.replace(b"031217000101", b"031217000109") if b"031217000101" in xml else xml + b" "
        report = self.env["hocbaso.verifier"].verify_file("x.xml", base64.b64encode(tampered).decode())
        self.assertFalse(report["valid"])
        self.assertFalse(all(c["ok"] for c in report["checks"] if c["code"] == "signature_intact"))
        # Snapshot hash of the database differs (document re-issued behind the file's back).
        self.env.cr.execute("UPDATE hocbaso_transcript SET snapshot_sha256 = %s WHERE id = %s", ["0" * 64, t.id])
        t.invalidate_recordset()  # tampering in the database, behind the ORM
        report = self.env["hocbaso.verifier"].verify_file("x.xml", base64.b64encode(xml).decode())
        self.assertFalse(report["valid"])
        self.assertFalse(next(c for c in report["checks"] if c["code"] == "snapshot_hash")["ok"])
        for junk in ("", "not base64 !!", base64.b64encode(b"hello").decode()):
            with self.subTest(junk=junk):
                self.assertFalse(self.env["hocbaso.verifier"].verify_file("junk", junk)["valid"])

    def test_signing_rules(self):
        t = self.transcript_a1
        self.fill_top(t)
        t.action_render_renditions()
        with self.assertRaises(UserError):
            t._hocbaso_sign("subject_teacher", self.backend("gvcn_a"), certificate=self.certs["gvcn_a"])
        t._hocbaso_sign("homeroom_teacher", self.backend("gvcn_a"), certificate=self.certs["gvcn_a"])
        with self.assertRaises(UserError):
            t._hocbaso_sign("homeroom_teacher", self.backend("gvcn_a"), certificate=self.certs["gvcn_a"])
        with self.assertRaises(UserError):
            t.action_render_renditions()  # frozen once signed
        with self.assertRaises(UserError):  # a key that does not belong to the certificate
            t._hocbaso_sign("principal", self.backend("vp"), certificate=self.certs["principal"])

    def test_sign_wizard_never_stores_the_password(self):
        self.sign_sheets_a()
        self.class_a.transcript_ids.action_render_renditions()
        wizard = self.env["hocbaso.sign.wizard"].with_user(self.u_gvcn_a).with_context(
            active_model="hocbaso.transcript", active_ids=self.class_a.transcript_ids.ids).create({
                "role": "homeroom_teacher", "certificate_id": self.certs["gvcn_a"].id,
                "secret": PASSWORD_STR,
            })
        self.env.flush_all()
        self.env.cr.execute("SELECT secret_encrypted FROM hocbaso_sign_wizard WHERE id = %s", [wizard.id])
        stored = self.env.cr.fetchone()[0]
        self.assertTrue(stored)
        self.assertNotIn(PASSWORD_STR, stored)
        wizard.action_sign()
        self.assertEqual(self.class_a.transcript_ids.mapped("signed_roles"), ["homeroom_teacher"] * 2)
        self.assertFalse(wizard.secret_encrypted)
        self.class_a.transcript_ids.with_user(self.u_leader).action_check()
        # Wrong password: clear error, nothing signed.
        wrong = self.env["hocbaso.sign.wizard"].with_user(self.u_principal).with_context(
            active_model="hocbaso.transcript", active_ids=self.class_a.transcript_ids.ids).create({
                "role": "principal", "certificate_id": self.certs["principal"].id, "secret": "sai-mat-khau"})
        self.assertEqual(wrong.eligible_count, 2)  # refused for the password, not for the workflow
        with self.assertRaises(UserError):
            wrong.action_sign()
        self.assertEqual(self.class_a.transcript_ids.mapped("signed_roles"), ["homeroom_teacher"] * 2)
        # Nobody signs with someone else's certificate.
        other = self.env["hocbaso.sign.wizard"].with_user(self.u_gvcn_b).with_context(
            active_model="hocbaso.transcript", active_ids=self.class_a.transcript_ids.ids).create({
                "role": "principal", "certificate_id": self.certs["principal"].id, "secret": PASSWORD_STR})
        with self.assertRaises(UserError):
            other.action_sign()

    def test_xml_schema_fail_closed(self):
        t = self.transcript_a1
        self.fill_top(t)
        broken = self.env["hocbaso.xml.schema"].create({
            "name": "broken", "version": "9.9", "source_path": "hocbaso_signing/data/does-not-exist"})
        self.year.xml_schema_id = broken
        with self.assertRaises(UserError):
            t.action_render_renditions()
        self.assertFalse(t.xml_file)
        self.assertFalse(t.snapshot_sha256)

    def test_xml_structure(self):
        t = self.transcript_a1
        self.fill_top(t)
        t.action_render_renditions()
        root = etree.fromstring(base64.b64decode(t.with_context(bin_size=False).xml_file))
        self.assertTrue(root.xpath("//*[@Id]"), "a data element with an Id")


PASSWORD_STR = "mat-khau-thu"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYHANKO_CLI = os.path.join(REPO, ".build", "venv-pki", "bin", "pyhanko")


@tagged("post_install", "-at_install")
class TestSignerAuthorized(SigningCase):
    def test_signature_by_a_non_signer_is_rejected(self):
        """A certificate from the trusted CA that is not registered for the role does not make a valid page."""
        from ..tools import pki as pki_tools
        from ..tools.backends.pkcs12 import Pkcs12Backend

        t = self.transcript_a1
        self.fill_top(t)
        t.action_render_renditions()
        stranger = pki_tools.issue(self.ca, "Người Lạ")
        backend = Pkcs12Backend(stranger.pkcs12(b"x", "x"), b"x")
        t._hocbaso_sign("homeroom_teacher", backend)
        t._hocbaso_sign("principal", self.backend("principal"), certificate=self.certs["principal"])
        t._hocbaso_sign("school_seal", self.backend("music"), certificate=self.certs["music"])  # a person as seal
        for field in ("pdf_file", "xml_file"):
            data = t.with_context(bin_size=False)[field]
            report = self.env["hocbaso.verifier"].verify_file(field, data.decode() if isinstance(data, bytes) else data)
            self.assertFalse(report["valid"])
            failing = {c["code"] for c in report["checks"] if not c["ok"]}
            self.assertEqual(failing, {"signer_authorized"}, report["checks"])


@tagged("post_install", "-at_install")
class TestSignedDataLocked(SigningCase):
    def test_signed_data_cannot_change_for_anyone(self):
        sheets, transcripts = self.sign_class_a()
        t = transcripts[0]
        toan = self.line(t, "toan")
        env_admin = self.env(su=True)
        for record, vals in ((toan, {"score_cn": "5"}), (toan, {"comment": "sửa"}),
                             (t.competency_result_ids[:1], {"level_cn": "d"}),
                             (t, {"homeroom_comment": "sửa"}), (t, {"commendation": False}),
                             (t, {"promotion": "retained"})):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                record.with_env(env_admin).write(vals)
        with self.assertRaises(UserError):
            toan.with_env(env_admin).unlink()
        with self.assertRaises(UserError):
            t.with_env(env_admin).unlink()
        self.assertEqual(toan.score_cn, "10")
        # Fields outside the signed snapshot stay editable.
        t.with_env(env_admin).note = "Ghi chú nội bộ"
        self.assertEqual(t.note, "Ghi chú nội bộ")
        # A subject sheet's signature alone locks that subject's results of the class.
        other = self.transcript_b1
        self.fill_top(other)
        sheet_b = self.env["hocbaso.subject.sheet"]._ensure_for_classes(self.class_b).filtered(
            lambda s: s.subject_id.code == "toan")
        sheet_b._hocbaso_sign("subject_teacher", self.backend("math"), certificate=self.certs["math"])
        with self.assertRaises(UserError):
            self.line(other, "toan").with_user(self.u_math).write({"score_cn": "8"})
        self.line(other, "am_nhac").with_user(self.u_music).write({"level_cn": "h"})  # not covered yet
