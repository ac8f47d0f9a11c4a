import base64
import os
import subprocess
import sys
import tempfile
from unittest.mock import patch

from cryptography.hazmat.primitives import serialization

from odoo.tests import HttpCase, tagged
from odoo.tests.common import release_test_lock
from odoo.tools import config

from ..tools import pki, secrets
from .common import SigningCase

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
DESKTOP_SIGNER = os.path.join(os.path.dirname(os.path.dirname(__file__)), "tools", "desktop_signer.py")


@tagged("post_install", "-at_install")
class TestExternalSigning(SigningCase, HttpCase):
    """Hash-only signing: Odoo prepares, the reference desktop signer signs with a (SoftHSM2) USB token."""

    def _token(self, tmp, issued):
        conf = os.path.join(tmp, "softhsm2.conf")
        os.makedirs(os.path.join(tmp, "tokens"))
        with open(conf, "w") as fh:
            fh.write(f"directories.tokendir = {tmp}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n")
        env = dict(os.environ, SOFTHSM2_CONF=conf, HB_PIN="123456")
        run = lambda *argv: subprocess.run(argv, env=env, check=True, capture_output=True)  # noqa: E731
        run("softhsm2-util", "--init-token", "--free", "--label", "GVCN", "--so-pin", "87654321", "--pin", "123456")
        key = os.path.join(tmp, "key.der")
        with open(key, "wb") as fh:
            fh.write(issued.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
        cert = os.path.join(tmp, "cert.der")
        with open(cert, "wb") as fh:
            fh.write(issued.cert_der)
        for path, kind in ((key, "privkey"), (cert, "cert")):
            run("pkcs11-tool", "--module", SOFTHSM, "--token-label", "GVCN", "--login", "--pin", "123456",
                "--write-object", path, "--type", kind, "--id", "01", "--label", "gvcn")
        os.remove(key)
        return env

    def test_desktop_signer_round_trip(self):
        issued = pki.issue(self.ca, self.e_gvcn_a.name)
        cert = self.env["hocbaso.certificate"].create({
            "name": "USB token GVCN", "employee_id": self.e_gvcn_a.id, "company_id": self.company.id,
            "backend": "external", "certificate_der": base64.b64encode(issued.cert_der),
            "chain_pem": self.ca.cert_pem.decode()})
        transcripts = self.class_a.transcript_ids
        self.sign_sheets_a()
        wizard = self.env["hocbaso.sign.wizard"].with_user(self.u_gvcn_a).with_context(
            active_model="hocbaso.transcript", active_ids=transcripts.ids).create({
                "role": "homeroom_teacher", "certificate_id": cert.id})
        wizard.action_sign()
        request = wizard.request_id
        self.assertEqual(request.state, "pending")
        self.assertIn(request.name, wizard.desktop_command)
        token = secrets.decrypt(wizard.token_encrypted, config["data_dir"], config.get("hocbaso_secret_key"))
        self.assertNotIn(token, str(request.sudo().read()[0]), "only the token's hash is stored")
        self.assertFalse(transcripts.filtered("signed_roles"), "nothing signed before the token answers")
        self.env.flush_all()  # the HTTP worker reads the data through its own environment
        # The desktop signer is a separate process: let its requests reach the test server.
        with tempfile.TemporaryDirectory() as tmp, patch.object(self, "http_request_allow_all", True), \
                release_test_lock():
            env = self._token(tmp, issued)
            base = [sys.executable, DESKTOP_SIGNER, "--url", self.base_url(), "--request", request.name,
                    "--module", SOFTHSM, "--token-label", "GVCN", "--key-label", "gvcn", "--pin-env", "HB_PIN"]
            wrong = subprocess.run([*base, "--token", "not-the-token"], env=env, capture_output=True, text=True,
                                   timeout=120)
            self.assertNotEqual(wrong.returncode, 0)
            self.assertEqual(request.state, "pending")
            done = subprocess.run([*base, "--token", token], env=env, capture_output=True, text=True, timeout=120)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            again = subprocess.run([*base, "--token", token], env=env, capture_output=True, text=True, timeout=120)
            self.assertNotEqual(again.returncode, 0, "a token is used once")
        self.env.invalidate_all()  # the HTTP worker wrote through the same test cursor
        self.assertEqual(request.state, "done")
        self.assertEqual(transcripts.mapped("signed_roles"), ["homeroom_teacher"] * len(transcripts))
        self.assertEqual(transcripts.mapped("state"), ["homeroom_signed"] * len(transcripts))
        pdf = base64.b64decode(transcripts[0].with_context(bin_size=False).pdf_file)
        report = self.env["hocbaso.verifier"].verify_file("t.pdf", base64.b64encode(pdf).decode())
        intact = [c for c in report["checks"] if c["code"] == "signature_intact"]
        self.assertTrue(intact and all(c["ok"] for c in intact), report)
        self.assertEqual(report["signatures"][0]["signer"], self.e_gvcn_a.name)
