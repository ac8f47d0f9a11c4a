"""The external test services a signature needs besides the signer: TSA, OCSP and CRL of the test PKI."""

import asyncio
import hashlib
import os

import requests
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from backend_fixtures import pki_services_fixture  # noqa: F401
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext


def test_backend_services_tsa_timestamp_verifies(pki_services):
    digest = hashlib.sha256(os.urandom(32)).digest()
    stamper = HTTPTimeStamper(pki_services.tsa_url, timeout=10)
    token = asyncio.run(stamper.async_timestamp(digest, "sha256"))
    with open(pki_services.trust_root_pem_path, "rb") as fh:
        root = asn1_x509.Certificate.load(x509.load_pem_x509_certificate(fh.read()).public_bytes(
            serialization.Encoding.DER))
    # revocation_mode='require': the TSA certificate's status is fetched from the Animator's OCSP/CRL
    context = ValidationContext(trust_roots=[root], allow_fetching=True, revocation_mode="require")
    status = TimestampSignatureStatus(**asyncio.run(validate_tst_signed_data(token["content"], context, digest)))
    assert status.intact and status.valid
    assert status.trusted, status.trust_problem_indic
    assert status.signing_cert.subject.native["common_name"] == "Học bạ số Test TSA"
    assert status.validation_path.trust_anchor.authority.name == root.subject


def _ocsp_status(svc, label):
    cert, root = svc.certificate(label), svc.certificate("root")
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, root, hashes.SHA1()).build()
    resp = requests.post(svc.ocsp_url, data=request.public_bytes(serialization.Encoding.DER),
                         headers={"Content-Type": "application/ocsp-request"}, timeout=10)
    assert resp.status_code == 200
    # asn1crypto (what pyhanko-certvalidator uses): cryptography rejects certomancer's producedAt, a
    # GeneralizedTime with fractional seconds.
    answer = asn1_ocsp.OCSPResponse.load(resp.content)
    assert answer["response_status"].native == "successful"
    single = answer.basic_ocsp_response["tbs_response_data"]["responses"][0]
    assert single["cert_id"]["serial_number"].native == cert.serial_number
    return single["cert_status"].name


def test_backend_services_ocsp_and_crl(pki_services):
    assert _ocsp_status(pki_services, "homeroom") == "good"
    assert _ocsp_status(pki_services, "revoked-teacher") == "revoked"
    homeroom = pki_services.certificate("homeroom_teacher")
    aia = homeroom.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert [d.access_location.value for d in aia] == [pki_services.ocsp_url]
    crl = x509.load_der_x509_crl(requests.get(pki_services.crl_url, timeout=10).content)
    assert crl.get_revoked_certificate_by_serial_number(
        pki_services.certificate("revoked-teacher").serial_number) is not None
    assert crl.get_revoked_certificate_by_serial_number(homeroom.serial_number) is None
