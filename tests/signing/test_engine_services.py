"""The whole engine against the real counterparts: TSA (B-T), CSC remote signing and a PKCS#11 token.

PDF and XML renditions are signed through each backend with the same two-phase code the Odoo layer uses,
then checked by our verifiers and by the pyHanko CLI.
"""

import os
import subprocess

import pdf_fixtures as pf
import xml_fixtures as xf
from backend_fixtures import pki_services_fixture, softhsm_fixture  # noqa: F401

from odoo.addons.hocbaso_signing.tools import pdf_sign, pdf_verify, xml_document, xml_verify, xmldsig
from odoo.addons.hocbaso_signing.tools.backends.csc import CscBackend
from odoo.addons.hocbaso_signing.tools.backends.pkcs11 import Pkcs11Backend

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYHANKO_CLI = os.path.join(ROOT, ".build", "venv-pki", "bin", "pyhanko")


def _csc(svc, role):
    return CscBackend(svc.csc_base_url, svc.credential_id(role), username=svc.csc_username,
                      password=svc.csc_password, pin_provider=lambda: svc.csc_pin, timeout=(3, 30))


def _ok(result, code):
    return all(c["ok"] for c in result["checks"] if c["code"] == code)


def test_engine_pdf_bt_with_real_tsa_and_csc(pki_services, tmp_path):
    root = pki_services.certificate("root")
    pdf = pf.prepared_pdf()
    for field, role, _page, _box, _opts in pf.FIELDS:
        backend = _csc(pki_services, role)
        meta = pf.meta_for(role, level="B-T", timestamp_url=pki_services.tsa_url)
        pdf = pdf_sign.sign_pdf(pdf, field, backend, meta)
    result = pdf_verify.verify(pdf, [root])
    assert result["valid"], result["checks"]
    assert len(result["signatures"]) == 3
    path = tmp_path / "bt.pdf"
    path.write_bytes(pdf)
    ca = tmp_path / "root.pem"
    ca.write_bytes(open(pki_services.trust_root_pem_path, "rb").read())
    out = subprocess.run([PYHANKO_CLI, "sign", "validate", "--no-revocation-check", "--trust", str(ca),
                          "--trust-replace", "--pretty-print", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("Signature timestamp token") >= 3, out.stdout


def test_engine_xml_with_csc_batch(pki_services):
    root = pki_services.certificate("root")
    snap = xf.year_page()
    xml = xml_document.render(snap, xf.SCHEMA_DIR)
    pki_services.csc_reset_stats()
    for role in ("homeroom_teacher", "principal", "school_seal"):
        xml = xmldsig.sign(xml, role, _csc(pki_services, role))
    result = xml_verify.verify(xml, [root], xf.SCHEMA_DIR)
    assert result["valid"], result["checks"]
    assert [s["role"] for s in result["signatures"]] == ["homeroom_teacher", "principal", "school_seal"]


def test_engine_pkcs11_token_signs_pdf_and_xml(softhsm):
    backend = Pkcs11Backend(softhsm.module, softhsm.token_label, softhsm.pin, key_label=softhsm.key_label)
    pdf = pdf_sign.sign_pdf(pf.prepared_pdf(), pf.FIELDS[0][0], backend, pf.meta_for("homeroom_teacher"))
    result = pdf_verify.verify(pdf, [softhsm.ca.cert])
    assert _ok(result, "signature_intact") and _ok(result, "chain_trusted"), result["checks"]
    assert result["signatures"][0]["signer"] == "Nguyễn Thị Hoa"
    snap = xf.year_page()
    xml = xmldsig.sign(xml_document.render(snap, xf.SCHEMA_DIR), "homeroom_teacher", backend)
    result = xml_verify.verify(xml, [softhsm.ca.cert], xf.SCHEMA_DIR, require_all=False)
    assert _ok(result, "signature_intact") and _ok(result, "chain_trusted"), result["checks"]
