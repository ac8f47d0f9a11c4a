"""CscBackend against the CSC API v1 test server (certomancer-csc-dummy + login/PIN, tests/pki/csc_server.py)."""

import hashlib
import os
import socket

import pytest
from backend_fixtures import pki_services_fixture  # noqa: F401

from odoo.addons.hocbaso_signing.tools.backends import SigningError
from odoo.addons.hocbaso_signing.tools.backends.base import verify_digest_signature
from odoo.addons.hocbaso_signing.tools.backends.csc import RSA_ENCRYPTION, CscBackend


def digests(n):
    return [hashlib.sha256(os.urandom(16)).digest() for _ in range(n)]


def csc(svc, role="homeroom_teacher", **kw):
    args = {"username": svc.csc_username, "password": svc.csc_password, "pin_provider": lambda: svc.csc_pin,
            "timeout": (3, 20)} | kw
    return CscBackend(svc.csc_base_url, svc.credential_id(role) if role else None, **args)


def test_backend_csc_list_and_certificates(pki_services):
    backend = csc(pki_services)
    ids = backend.list_credentials()
    assert set(pki_services.credential_ids().values()) <= set(ids)
    for role in ("homeroom_teacher", "principal", "school_seal", "subject_teacher"):
        b = csc(pki_services, role)
        assert b.certificate == pki_services.certificate(role)
        assert b.chain == [pki_services.certificate("root")]
    assert backend.info()["authMode"] == "explicit"


def test_backend_csc_batch_one_authorization(pki_services):
    pki_services.csc_reset_stats()
    asked = []

    def pin():
        asked.append(1)
        return pki_services.csc_pin

    backend = csc(pki_services, "principal", pin_provider=pin)
    batch = digests(35)
    values = backend.sign_digests(batch)
    cert = pki_services.certificate("principal")
    assert len(values) == 35
    assert all(verify_digest_signature(cert, d, v) for d, v in zip(batch, values, strict=True))
    stats = pki_services.csc_stats()
    assert stats["logins"] == 1
    assert stats["authorize"] == [{"credentialID": "hocbaso/principal", "numSignatures": 35, "hashes": 35}]
    assert stats["sign_hash"] == [{"credentialID": "hocbaso/principal", "hashes": 35}]
    assert len(asked) == 1


def test_backend_csc_chunked_sign_hash_and_rsa_algo(pki_services):
    pki_services.csc_reset_stats()
    backend = csc(pki_services, "school_seal", max_hashes_per_request=10, sign_algo=RSA_ENCRYPTION)
    batch = digests(35)
    values = backend.sign_digests(batch)
    cert = pki_services.certificate("school_seal")
    assert all(verify_digest_signature(cert, d, v) for d, v in zip(batch, values, strict=True))
    stats = pki_services.csc_stats()
    assert [a["numSignatures"] for a in stats["authorize"]] == [35]
    assert [s["hashes"] for s in stats["sign_hash"]] == [10, 10, 10, 5]


def test_backend_csc_bearer_token(pki_services):
    token = csc(pki_services).login()
    backend = CscBackend(pki_services.csc_base_url, pki_services.credential_id("subject_teacher"),
                         access_token=token, pin_provider=lambda: pki_services.csc_pin, timeout=(3, 20))
    d = digests(2)
    values = backend.sign_digests(d)
    assert verify_digest_signature(pki_services.certificate("subject_teacher"), d[1], values[1])
    with pytest.raises(SigningError) as info:
        CscBackend(pki_services.csc_base_url, "hocbaso/homeroom", access_token="forged").certificate  # noqa: B018
    assert info.value.code == "auth_failed"


def test_backend_csc_relogin_after_token_expiry(pki_services):
    backend = csc(pki_services, "homeroom_teacher")
    backend.certificate  # noqa: B018  (logs in, reads credentials/info)
    pki_services.csc_reset_stats()
    pki_services.csc_expire_tokens()
    d = digests(3)
    values = backend.sign_digests(d)
    assert verify_digest_signature(pki_services.certificate("homeroom"), d[2], values[2])
    assert pki_services.csc_stats()["logins"] == 1  # one new login, then the request was repeated


def test_backend_csc_wrong_pin_and_password(pki_services):
    with pytest.raises(SigningError) as info:
        csc(pki_services, pin_provider=lambda: "999999").sign_digests(digests(2))
    assert info.value.code == "wrong_pin"
    assert "999999" not in str(info.value)
    with pytest.raises(SigningError) as info:
        csc(pki_services, password="wrong password").sign_digests(digests(2))
    assert info.value.code == "auth_failed"
    assert "wrong password" not in str(info.value)


def test_backend_csc_credential_choice(pki_services):
    with pytest.raises(SigningError) as info:
        csc(pki_services, role=None).certificate  # noqa: B018
    assert info.value.code == "credential_ambiguous"
    with pytest.raises(SigningError) as info:
        csc(pki_services, role="no-such-cert").certificate  # noqa: B018
    assert info.value.code == "not_found"


def test_backend_csc_timeout_and_unreachable():
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        backend = CscBackend(f"http://127.0.0.1:{port}/csc/v1", "x/y", access_token="t", timeout=(2, 0.5))
        with pytest.raises(SigningError) as info:
            backend.certificate  # noqa: B018
        assert info.value.code == "timeout"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    backend = CscBackend(f"http://127.0.0.1:{closed}/csc/v1", "x/y", access_token="t", timeout=(2, 2))
    with pytest.raises(SigningError) as info:
        backend.sign_digests(digests(1))
    assert info.value.code == "unreachable"
