"""Two-phase XMLDSig: digest = SHA-256(C14N SignedInfo), cascade, batches, refusals, EC keys, chains."""

import datetime as dt
import hashlib

import pytest
import xml_fixtures as fx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree

from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.addons.hocbaso_signing.tools import pki, xml_document, xml_verify, xmldsig

NS = xmldsig.NS


@pytest.fixture(scope="module")
def tpki():
    return fx.test_pki()


@pytest.fixture(scope="module")
def year_xml():
    return xml_document.render(fx.year_page(), fx.SCHEMA_DIR)


def _failing(result):
    return {c["code"] for c in result["checks"] if not c["ok"]}


def test_prepare_digest_is_sha256_of_canonical_signed_info(tpki, year_xml):
    signer = tpki.signers["homeroom_teacher"]
    utc = (signer.cert.not_valid_before_utc + dt.timedelta(minutes=30)).replace(second=0)
    when = utc.astimezone(dt.timezone(dt.timedelta(hours=7)))  # Vietnam time in, UTC out
    stamp = utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    prepared = xmldsig.prepare(year_xml, "homeroom_teacher", signer.cert, signer.chain, signing_time=when)
    assert prepared.digest == hashlib.sha256(prepared.signed_info).digest()
    assert len(prepared.digest) == 32
    assert prepared.signing_time == stamp
    tree = etree.fromstring(prepared.xml)
    sig = tree.find("DSCKS/GVCN/ds:Signature", NS)
    assert not sig.findtext("ds:SignatureValue", namespaces=NS)
    assert [r.get("URI") for r in sig.findall("ds:SignedInfo/ds:Reference", NS)] == ["#DLHocBa",
                                                                                    "#SigningTime-GVCN-1"]
    assert sig.find("ds:SignedInfo/ds:CanonicalizationMethod", NS).get("Algorithm") == xmldsig.C14N
    assert sig.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm") == xmldsig.RSA_SHA256
    assert sig.findtext("ds:Object/ds:SignatureProperties/ds:SignatureProperty/ds:SigningTime",
                        namespaces=NS) == stamp
    # the payload is untouched by prepare
    assert etree.tostring(tree.find("DLHocBa"), method="c14n") == \
        etree.tostring(etree.fromstring(year_xml).find("DLHocBa"), method="c14n")
    value = tpki.backend("homeroom_teacher").sign_digest(prepared.digest)
    signed = xmldsig.finish(prepared, value)
    result = xml_verify.verify(signed, [tpki.ca.cert], fx.SCHEMA_DIR, require_all=False)
    assert result["valid"], result["checks"]
    assert result["signatures"][0]["signing_time"] == utc.isoformat()


def test_finish_refuses_a_value_from_another_key(tpki, year_xml):
    signer = tpki.signers["homeroom_teacher"]
    prepared = xmldsig.prepare(year_xml, "homeroom_teacher", signer.cert, signer.chain)
    wrong = tpki.backend("principal").sign_digest(prepared.digest)
    with pytest.raises(RuleError) as info:
        xmldsig.finish(prepared, wrong)
    assert info.value.code == "xml_sign_value"


def test_cascade_each_signature_stays_valid(tpki):
    """GVBM + GVCN + HieuTruong + DonVi: every earlier signature verifies after each later one is added."""
    snap = fx.year_page(signers=[{"role": "subject_teacher", "name": "Nguyễn Văn Bình", "title": "GVBM"},
                                 *fx.SIGNERS])
    xml = xml_document.render(snap, fx.SCHEMA_DIR)
    roles = ["subject_teacher", "homeroom_teacher", "principal", "school_seal"]
    for n, role in enumerate(roles, 1):
        xml = xmldsig.sign(xml, role, tpki.backend(role))
        result = xml_verify.verify(xml, [tpki.ca.cert], fx.SCHEMA_DIR, require_all=False)
        assert result["valid"], result["checks"]
        assert [s["role"] for s in result["signatures"]] == roles[:n]
        assert all(s["ok"] and s["intact"] and s["trusted"] for s in result["signatures"])
        if n < len(roles):
            strict = xml_verify.verify(xml, [tpki.ca.cert], fx.SCHEMA_DIR)
            assert _failing(strict) == {"signatures_present"}
    final = xml_verify.verify(xml, [tpki.ca.cert], fx.SCHEMA_DIR)
    assert final["valid"], final["checks"]
    assert [s["signer"] for s in final["signatures"]] == [tpki.signers[r].cert.subject.get_attributes_for_oid(
        x509.NameOID.COMMON_NAME)[0].value for r in roles]
    assert final["signatures"][0]["serial"] == format(tpki.signers["subject_teacher"].cert.serial_number, "x")


def test_role_refusals(tpki, year_xml):
    signed = xmldsig.sign(year_xml, "homeroom_teacher", tpki.backend("homeroom_teacher"))
    with pytest.raises(RuleError) as info:
        xmldsig.sign(signed, "homeroom_teacher", tpki.backend("homeroom_teacher"))
    assert info.value.code == "xml_sign_done"
    with pytest.raises(RuleError) as info:
        xmldsig.sign(year_xml, "subject_teacher", tpki.backend("subject_teacher"))
    assert info.value.code == "xml_sign_role"
    with pytest.raises(RuleError):
        xmldsig.sign(year_xml, "janitor", tpki.backend("subject_teacher"))
    with pytest.raises(RuleError) as info:
        xmldsig.sign(b"<HoaDon/>", "principal", tpki.backend("principal"))
    assert info.value.code == "xml_format"


def test_prepare_validates_when_given_schema_dir(tpki, year_xml):
    tree = etree.fromstring(year_xml)
    etree.SubElement(tree.find("DLHocBa/TTHocSinh"), "ghichu")
    signer = tpki.signers["homeroom_teacher"]
    with pytest.raises(RuleError) as info:
        xmldsig.prepare(etree.tostring(tree), "homeroom_teacher", signer.cert, signer.chain,
                        schema_dir=fx.SCHEMA_DIR)
    assert info.value.code == "xml_schema"


def test_sign_many_uses_one_backend_call(tpki):
    sheets = [xml_document.render(fx.subject_sheet(document_id=f"BTH-{i}"), fx.SCHEMA_DIR) for i in range(4)]
    backend = tpki.backend("subject_teacher")
    signed = xmldsig.sign_many([(x, "subject_teacher") for x in sheets], backend)
    assert backend.calls == 1
    for xml in signed:
        result = xml_verify.verify(xml, [tpki.ca.cert], fx.SCHEMA_DIR)
        assert result["valid"], result["checks"]
        assert result["document_id"].startswith("BTH-")


def test_ecdsa_signer_and_intermediate_chain(tpki, year_xml):
    """An EC P-256 signer issued by an intermediate CA; the chain travels in KeyInfo."""
    now = dt.datetime.now(dt.UTC)
    inter_key = pki.new_key()
    inter = pki.Issued(inter_key, (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Test Sub CA")]))
        .issuer_name(tpki.ca.cert.subject).public_key(inter_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(tpki.ca.key, hashes.SHA256())), [tpki.ca.cert])
    leaf = pki.issue(inter, "Trường Tiểu học EC", key=ec.generate_private_key(ec.SECP256R1()))
    leaf.chain = [inter.cert]
    signed = xmldsig.sign(year_xml, "school_seal", fx.LocalBackend(leaf))
    sig = etree.fromstring(signed).find("DSCKS/DonVi/ds:Signature", NS)
    assert sig.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm") == xmldsig.ECDSA_SHA256
    assert len(sig.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)) == 2
    result = xml_verify.verify(signed, [tpki.ca.cert], fx.SCHEMA_DIR, require_all=False)
    assert result["valid"], result["checks"]
    # the intermediate is needed: without it in KeyInfo the chain does not build
    bare = xmldsig.sign(year_xml, "school_seal", fx.LocalBackend(leaf, chain=[]))
    result = xml_verify.verify(bare, [tpki.ca.cert], fx.SCHEMA_DIR, require_all=False)
    assert "chain_trusted" in _failing(result)


def test_verify_at_and_revocation_hook(tpki, year_xml):
    signed = xmldsig.sign(year_xml, "homeroom_teacher", tpki.backend("homeroom_teacher"))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=5000)
    result = xml_verify.verify(signed, [tpki.ca.cert], fx.SCHEMA_DIR, at=later, require_all=False)
    assert _failing(result) == {"chain_trusted"}
    checks = {c["code"]: c for c in xml_verify.verify(signed, [tpki.ca.cert], fx.SCHEMA_DIR,
                                                       require_all=False)["checks"]}
    assert checks["revocation"]["ok"] and checks["revocation"]["message"] == "not checked: no revocation data"
    seen = []

    def revoked(cert, issuer, when):
        seen.append((cert.serial_number, issuer.subject if issuer else None))
        return False, "revoked on 2025-01-01 (keyCompromise)"

    result = xml_verify.verify(signed, [tpki.ca.cert], fx.SCHEMA_DIR, require_all=False,
                               revocation_checker=revoked)
    assert _failing(result) == {"revocation"} and not result["valid"]
    assert seen == [(tpki.signers["homeroom_teacher"].cert.serial_number, tpki.ca.cert.subject)]
    result = xml_verify.verify(signed, [tpki.ca.cert], fx.SCHEMA_DIR, require_all=False,
                               revocation_checker=lambda c, i, w: (True, "good (OCSP)"))
    assert result["valid"]


def test_no_trust_root_and_unsigned_document(tpki, year_xml):
    result = xml_verify.verify(year_xml, [tpki.ca.cert], fx.SCHEMA_DIR)
    assert not result["valid"] and "signatures_present" in _failing(result)
    signed = xmldsig.sign(year_xml, "homeroom_teacher", tpki.backend("homeroom_teacher"))
    result = xml_verify.verify(signed, [], fx.SCHEMA_DIR, require_all=False)
    assert _failing(result) == {"chain_trusted"}


def test_verify_fails_closed_without_xsd(tpki, year_xml, tmp_path):
    signed = xmldsig.sign(year_xml, "homeroom_teacher", tpki.backend("homeroom_teacher"))
    result = xml_verify.verify(signed, [tpki.ca.cert], str(tmp_path / "missing"), require_all=False)
    assert not result["valid"] and "schema" in _failing(result)


def test_signxml_cross_check(tpki, year_xml):
    """signxml (an independent implementation) verifies references and value of our signature.

    Its W3C-schema step is bypassed: like the e-invoice profile, SigningTime sits in the ds namespace, which the
    strict xmldsig-core schema does not allow inside SignatureProperty (##other).
    """
    import signxml

    class Verifier(signxml.XMLVerifier):
        def validate_schema(self, signature):
            return None

    signed = xmldsig.sign(year_xml, "homeroom_teacher", tpki.backend("homeroom_teacher"))
    config = signxml.SignatureConfiguration(expect_references=2, require_x509=True)
    verifier = Verifier()
    # lxml's subtree C14N adds xmlns="" under a default-namespace Signature; signxml's documented switch removes
    # it (xmldsig.c14n avoids the problem by canonicalising a standalone copy, as xmlsec1 agrees)
    verifier.excise_empty_xmlns_declarations = True
    results = verifier.verify(signed, x509_cert=tpki.signers["homeroom_teacher"].cert_pem.decode(),
                                expect_config=config, id_attribute="Id")
    assert len(results) == 2
    assert results[0].signed_xml.tag == "DLHocBa"
