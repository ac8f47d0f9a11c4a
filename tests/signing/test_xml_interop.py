"""Interoperability: xmlsec1 verifies every signature of our documents, xmllint validates them offline."""

import functools
import os
import subprocess

import pytest
import xml_fixtures as fx
from xml_tamper import corpus

from odoo.addons.hocbaso_signing.tools import xml_document, xmldsig

XSD = os.path.join(fx.SCHEMA_DIR, "hocbaso_tieuhoc.xsd")


def xmlsec_verify(path, ca_pem, payload, n):
    """Verify the n-th (1-based) Signature of ``path`` with xmlsec1 (it verifies one Signature node per run)."""
    cmd = ["xmlsec1", "--verify", "--trusted-pem", str(ca_pem), "--id-attr:Id", payload,
           "--node-xpath", f"(//*[local-name()='Signature' and namespace-uri()='{xmldsig.DS}'])[{n}]", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def xmllint(path):
    return subprocess.run(["xmllint", "--noout", "--nonet", "--schema", XSD, str(path)], capture_output=True,
                          text=True, check=False)


@pytest.fixture(scope="module")
def ca_pem(tmp_path_factory):
    path = tmp_path_factory.mktemp("pki") / "ca.pem"
    path.write_bytes(fx.test_pki().ca.cert_pem)
    return path


@functools.cache
def _corpus():
    return {case.name: case for case in corpus.build(fx.test_pki())}


@functools.cache
def _signed_documents():
    tpki = fx.test_pki()
    snap = fx.year_page(signers=[{"role": "subject_teacher", "name": "Nguyễn Văn Bình", "title": "GVBM"},
                                 *fx.SIGNERS])
    year = xml_document.render(snap, fx.SCHEMA_DIR)
    for role in ("subject_teacher", "homeroom_teacher", "principal", "school_seal"):
        year = xmldsig.sign(year, role, tpki.backend(role))
    sheet = xmldsig.sign(xml_document.render(fx.subject_sheet(), fx.SCHEMA_DIR), "subject_teacher",
                         tpki.backend("subject_teacher"))
    return [("year_page", year, "DLHocBa", 4), ("subject_sheet", sheet, "DLBangTongHop", 1)]


@pytest.mark.parametrize("index", [0, 1])
def test_xmlsec1_and_xmllint_accept_signed_documents(index, tmp_path, ca_pem):
    name, xml, payload, count = _signed_documents()[index]
    path = tmp_path / f"{name}.xml"
    path.write_bytes(xml)
    run = xmllint(path)
    assert run.returncode == 0, run.stderr
    assert xml.count(b"<Signature ") == count
    for n in range(1, count + 1):
        run = xmlsec_verify(path, ca_pem, payload, n)
        assert run.returncode == 0, f"signature {n}: {run.stdout}{run.stderr}"
        assert "SignedInfo References (ok/all): 2/2" in run.stdout + run.stderr


@pytest.mark.parametrize("name", ["score_changed", "signature_value_altered", "wrong_key", "untrusted_ca",
                                  "signing_time_changed"])
def test_xmlsec1_rejects_tampered(name, tmp_path, ca_pem):
    case = _corpus()[name]
    path = tmp_path / f"{name}.xml"
    path.write_bytes(case.xml)
    # the tampered signature is the homeroom teacher's (first); score changes break every signature
    run = xmlsec_verify(path, ca_pem, "DLHocBa", 1)
    assert run.returncode != 0, run.stdout
