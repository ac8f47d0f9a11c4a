"""Pkcs12Backend: a key in a PKCS#12 file; the password only opens it."""

import hashlib
import os

import pytest
from backend_fixtures import ROOT  # noqa: F401  (registers odoo.addons.hocbaso_signing)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from odoo.addons.hocbaso_signing.tools import pki
from odoo.addons.hocbaso_signing.tools.backends import SigningError
from odoo.addons.hocbaso_signing.tools.backends.base import verify_digest_signature
from odoo.addons.hocbaso_signing.tools.backends.pkcs12 import Pkcs12Backend

PASSWORD = "mật khẩu p12"


def digests(n):
    return [hashlib.sha256(os.urandom(16)).digest() for _ in range(n)]


@pytest.fixture(scope="module")
def issued():
    ca = pki.make_ca("Học bạ số P12 Test CA")
    signer = pki.issue(ca, "Trường Tiểu học Kiểm Thử", org="Trường Tiểu học Kiểm Thử")
    p12 = pkcs12.serialize_key_and_certificates(b"seal", signer.key, signer.cert, [ca.cert],
                                                serialization.BestAvailableEncryption(PASSWORD.encode()))
    return ca, signer, p12


def test_backend_pkcs12_signs_batch(issued):
    ca, signer, p12 = issued
    backend = Pkcs12Backend(p12, PASSWORD)
    assert backend.certificate == signer.cert
    assert backend.chain == [ca.cert]
    batch = digests(35)
    values = backend.sign_digests(batch)
    assert len(values) == 35
    assert all(verify_digest_signature(signer.cert, d, v) for d, v in zip(batch, values, strict=True))
    # values are in the order of the digests
    assert not verify_digest_signature(signer.cert, batch[0], values[1])
    assert verify_digest_signature(signer.cert, batch[3], backend.sign_digest(batch[3]))


def test_backend_pkcs12_password_not_kept(issued):
    backend = Pkcs12Backend(issued[2], PASSWORD.encode())
    for value in vars(backend).values():
        assert value not in (PASSWORD, PASSWORD.encode())


def test_backend_pkcs12_wrong_password(issued):
    with pytest.raises(SigningError) as info:
        Pkcs12Backend(issued[2], "sai mật khẩu")
    assert info.value.code == "wrong_password"
    assert "password is wrong" in str(info.value)
    assert "sai mật khẩu" not in str(info.value)


def test_backend_pkcs12_garbage_and_bad_digest(issued):
    with pytest.raises(SigningError):
        Pkcs12Backend(b"not a p12 file", PASSWORD)
    backend = Pkcs12Backend(issued[2], PASSWORD)
    with pytest.raises(SigningError) as info:
        backend.sign_digests([b"\x00" * 20])
    assert info.value.code == "bad_digest"
    with pytest.raises(SigningError) as info:
        backend.sign_digests([])
    assert info.value.code == "empty_batch"
