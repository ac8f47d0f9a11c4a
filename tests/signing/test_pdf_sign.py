"""Two-phase PAdES signing: fields, digests, batches, levels B-B / B-T / B-LT / B-LTA, the final lock."""

import datetime as dt
import hashlib
import io

import pytest
from pdf_fixtures import (
    FIELDS,
    LocalBackend,
    Pki,
    check,
    make_pdf,
    meta_for,
    prepared_pdf,
    raw_sign,
    signed_three,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields

from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.addons.hocbaso_signing.tools import pdf_sign, pdf_verify, pki


@pytest.fixture(scope="module")
def p():
    return Pki()


@pytest.fixture(scope="module")
def three(p):
    return signed_three(p)


def _reader(pdf):
    return PdfFileReader(io.BytesIO(pdf))


def test_add_signature_fields_creates_empty_visible_fields_and_info():
    pdf = prepared_pdf()
    r = _reader(pdf)
    found = {name: value for name, value, _ref in fields.enumerate_sig_fields(r, filled_status=None)}
    assert set(found) == {f[0] for f in FIELDS}
    assert all(v is None for v in found.values())
    seal = next(ref.get_object() for name, _v, ref in fields.enumerate_sig_fields(r) if name == "sig_seal")
    assert [float(x) for x in seal["/Rect"]] == [400, 60, 560, 120]
    assert seal["/Lock"]["/P"] == 1 and seal["/Lock"]["/Action"] == "/All"
    assert r.trailer["/Info"]["/HocBaSoDocumentId"] == "HBS-2025-0001-Y1"
    with pytest.raises(RuleError) as e:
        pdf_sign.add_signature_fields(pdf, [("sig_homeroom", 0, (0, 0, 10, 10))])
    assert e.value.code == "pdf_field_exists"
    with pytest.raises(RuleError) as e:
        pdf_sign.add_signature_fields(pdf, [("x", 3, (0, 0, 10, 10))])
    assert e.value.code == "pdf_page"


def test_set_document_info_only_before_signing(p, three):
    pdf = pdf_sign.set_document_info(make_pdf(), "DOC-1", "cd" * 32)
    info = _reader(pdf).trailer["/Info"]
    assert (info["/HocBaSoDocumentId"], info["/HocBaSoSnapshotSHA256"]) == ("DOC-1", "cd" * 32)
    with pytest.raises(RuleError) as e:
        pdf_sign.set_document_info(three, "DOC-2", "00" * 32)
    assert e.value.code == "pdf_already_signed"


def test_prepare_gives_digest_of_signed_attributes_only(p):
    prepared = pdf_sign.prepare(prepared_pdf(), "sig_homeroom", p.homeroom.cert, p.homeroom.chain,
                                meta_for("homeroom_teacher"))
    assert len(prepared.digest) == 32
    assert prepared.digest == hashlib.sha256(prepared.signed_attrs).digest()
    value = LocalBackend(p.homeroom).sign_digests([prepared.digest])[0]
    out = pdf_sign.finish(prepared, value)
    res = pdf_verify.verify(out, p.roots)
    assert res["valid"], res["checks"]
    sig = res["signatures"][0]
    assert sig["field"] == "sig_homeroom" and sig["role"] == "homeroom_teacher"
    assert sig["signer"] == "Nguyễn Thị Hồng" and sig["issuer"] == "Học bạ số Test CA"
    emb = _reader(out).embedded_signatures[0]
    assert emb.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert emb.sig_object["/ContactInfo"] == "Giáo viên chủ nhiệm"
    assert emb.sig_object["/Reason"] == "Giáo viên chủ nhiệm xác nhận"
    assert emb.sig_object["/Location"] == "Hà Nội"
    assert emb.sig_object.get("/M")


def test_prepared_survives_serialisation(p):
    prepared = pdf_sign.prepare(prepared_pdf(), "sig_homeroom", p.homeroom.cert, p.homeroom.chain,
                                meta_for("homeroom_teacher"))
    restored = pdf_sign.Prepared.from_dict(prepared.to_dict())
    value = LocalBackend(p.homeroom).sign_digests([restored.digest])[0]
    assert pdf_verify.verify(pdf_sign.finish(restored, value), p.roots)["valid"]


def test_finish_refuses_a_signature_value_from_another_key(p):
    prepared = pdf_sign.prepare(prepared_pdf(), "sig_homeroom", p.homeroom.cert, (), meta_for("homeroom_teacher"))
    wrong = LocalBackend(p.homeroom, key=pki.new_key()).sign_digests([prepared.digest])[0]
    with pytest.raises(RuleError) as e:
        pdf_sign.finish(prepared, wrong)
    assert e.value.code == "signature_value"


def test_prepare_refusals(p, three):
    pdf = prepared_pdf()
    with pytest.raises(RuleError) as e:
        pdf_sign.prepare(pdf, "nope", p.homeroom.cert, (), {})
    assert e.value.code == "pdf_field_missing"
    once = pdf_sign.sign_pdf(pdf, "sig_homeroom", p.backend("homeroom"), meta_for("homeroom_teacher"))
    with pytest.raises(RuleError) as e:
        pdf_sign.prepare(once, "sig_homeroom", p.homeroom.cert, (), {})
    assert e.value.code == "pdf_field_signed"
    old = pki.issue(p.ca, "Lê Văn Cũ", not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=800), days=365)
    with pytest.raises(RuleError) as e:
        pdf_sign.prepare(pdf, "sig_homeroom", old.cert, (), {})
    assert e.value.code == "cert_expired"
    with pytest.raises(RuleError) as e:
        pdf_sign.prepare(pdf, "sig_homeroom", p.homeroom.cert, (), {"level": "B-T"})
    assert e.value.code == "tsa_required"


def test_three_cascaded_signatures_stay_valid(p, three):
    res = pdf_verify.verify(three, p.roots)
    assert res["valid"], res["checks"]
    assert [s["field"] for s in res["signatures"]] == ["sig_homeroom", "sig_principal", "sig_seal"]
    assert [s["role"] for s in res["signatures"]] == ["homeroom_teacher", "principal", "school_seal"]
    assert all(s["intact"] and s["trusted"] and s["ok"] for s in res["signatures"])
    assert res["document_id"] == "HBS-2025-0001-Y1" and res["snapshot_sha256"] == "ab" * 32
    # partially signed documents are valid too (each signature is incremental)
    assert pdf_verify.verify(signed_three(p, upto=2), p.roots)["valid"]


def test_sign_many_one_backend_call(p):
    backend = p.backend("homeroom")
    docs = [prepared_pdf(document_id=f"DOC-{i}") for i in range(4)]
    out = pdf_sign.sign_many([(d, "sig_homeroom", meta_for("homeroom_teacher")) for d in docs], backend)
    assert backend.calls == 1 and len(out) == 4
    for i, pdf in enumerate(out):
        res = pdf_verify.verify(pdf, p.roots)
        assert res["valid"] and res["document_id"] == f"DOC-{i}"
    assert pdf_sign.sign_many([], backend) == []


def test_lock_refuses_further_signatures_and_flags_revisions(p, three):
    extra = pdf_sign.add_signature_fields(prepared_pdf(), [("sig_extra", 0, (40, 200, 200, 260))])
    locked = signed_three(p, pdf=extra)
    with pytest.raises(RuleError) as e:
        pdf_sign.prepare(locked, "sig_extra", p.principal.cert, (), {})
    assert e.value.code == "pdf_locked"
    # a signature added anyway (plain pyHanko) is flagged by the difference analysis of the seal
    after = raw_sign(locked, "sig_extra", p.principal)
    res = pdf_verify.verify(after, p.roots)
    assert not res["valid"] and not check(res, "pdf_modifications")["ok"]
    assert "sig_seal" in check(res, "pdf_modifications")["message"]


def test_lock_needs_a_locking_field_once_signed(p):
    specs = [("a", 0, (40, 60, 200, 120)), ("b", 0, (220, 60, 380, 120))]
    pdf = pdf_sign.add_signature_fields(make_pdf(), specs)
    # first signature: the lock dictionary can still be added while signing
    alone = pdf_sign.sign_pdf(pdf, "b", p.backend("seal"), meta_for("school_seal"))
    assert pdf_verify.verify(alone, p.roots)["valid"]
    assert _reader(alone).embedded_signatures[0].docmdp_level == fields.MDPPerm.NO_CHANGES
    # later: it would break the earlier signatures, so it is refused
    pdf = pdf_sign.sign_pdf(pdf, "a", p.backend("principal"), meta_for("principal"))
    with pytest.raises(RuleError) as e:
        pdf_sign.prepare(pdf, "b", p.seal.cert, (), meta_for("school_seal"))
    assert e.value.code == "pdf_lock_field"


def test_level_b_t_with_dummy_timestamper(p):
    ts = p.timestamper()
    pdf = signed_three(p, timestamper=ts)
    res = pdf_verify.verify(pdf, p.roots)
    assert res["valid"], res["checks"]
    for emb in _reader(pdf).embedded_regular_signatures:
        assert emb.attached_timestamp_data is not None
    # time-stamp is fetched in finish(): a TSA given there is used
    prepared = pdf_sign.prepare(prepared_pdf(), "sig_homeroom", p.homeroom.cert, (), {"level": "B-T",
                                                                                      "timestamp_url": "http://x"})
    value = p.backend("homeroom").sign_digests([prepared.digest])[0]
    out = pdf_sign.finish(prepared, value, timestamp_url=ts)
    assert pdf_verify.verify(out, p.roots)["valid"]


def test_untrusted_tsa_is_reported(p):
    other = Pki()
    pdf = pdf_sign.sign_pdf(prepared_pdf(), "sig_homeroom", p.backend("homeroom"),
                            meta_for("homeroom_teacher", timestamper=other.timestamper()))
    res = pdf_verify.verify(pdf, p.roots)
    assert not check(res, "chain_trusted")["ok"] and check(res, "signature_intact")["ok"]


@pytest.mark.parametrize("level", ["B-LT", "B-LTA"])
def test_levels_lt_and_lta(p, level):
    ts = p.timestamper()
    pdf = signed_three(p, level=level, timestamper=ts, trust_roots=p.roots)
    r = _reader(pdf)
    assert "/DSS" in r.root
    assert len(r.embedded_timestamp_signatures) == (3 if level == "B-LTA" else 0)
    res = pdf_verify.verify(pdf, p.roots)
    assert res["valid"], res["checks"]
    if level == "B-LTA":
        assert len(res["timestamps"]) == 3 and all(t["trusted"] for t in res["timestamps"])


def test_revocation_from_embedded_crl(p):
    """B-LT with a CRL in the DSS: revoked signer → revocation fails; not revoked → ok and checked."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    now = dt.datetime.now(dt.UTC)

    def crl(revoked):
        b = (x509.CertificateRevocationListBuilder().issuer_name(p.ca.cert.subject)
             .last_update(now - dt.timedelta(minutes=5)).next_update(now + dt.timedelta(days=7)))
        for cert in revoked:
            b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(cert.serial_number)
                                          .revocation_date(now - dt.timedelta(minutes=1)).build())
        return b.sign(p.ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    for revoked, expect in (([], True), ([p.homeroom.cert], False)):
        pdf = pdf_sign.sign_pdf(prepared_pdf(), "sig_homeroom", p.backend("homeroom"), meta_for(
            "homeroom_teacher", level="B-LT", timestamper=p.timestamper(), trust_roots=p.roots,
            crls=[crl(revoked)]))
        assert pdf_verify.verify(pdf, p.roots)["valid"]  # revocation not asked for
        res = pdf_verify.verify(pdf, p.roots, revocation=True)
        assert check(res, "revocation")["ok"] is expect, res["checks"]
        if expect:
            assert "checked" in check(res, "revocation")["message"]
