"""Pkcs11Backend against a real SoftHSM2 token (key and certificate imported with pkcs11-tool)."""

import hashlib
import os

import pytest
from backend_fixtures import softhsm_fixture  # noqa: F401
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from odoo.addons.hocbaso_signing.tools.backends import SigningError
from odoo.addons.hocbaso_signing.tools.backends.base import verify_digest_signature
from odoo.addons.hocbaso_signing.tools.backends.pkcs11 import Pkcs11Backend


def digests(n):
    return [hashlib.sha256(os.urandom(16)).digest() for _ in range(n)]


def backend_for(token, **kw):
    args = {"key_label": token.key_label, "pin": token.pin} | kw
    pin = args.pop("pin")
    return Pkcs11Backend(token.module, token.token_label, pin, **args)


def test_backend_pkcs11_certificate_and_chain(softhsm):
    backend = backend_for(softhsm)
    assert backend.certificate == softhsm.signer.cert
    assert backend.chain == [softhsm.ca.cert]
    by_id = backend_for(softhsm, key_label=None, key_id=softhsm.key_id.hex())
    assert by_id.certificate == softhsm.signer.cert


def test_backend_pkcs11_batch_one_login(softhsm, monkeypatch):
    logins, pin_asked = [], []
    real_login = Pkcs11Backend._login

    def counting_login(self, token, pin):
        logins.append(token.label)
        return real_login(self, token, pin)

    monkeypatch.setattr(Pkcs11Backend, "_login", counting_login)

    def pin_provider():
        pin_asked.append(1)
        return softhsm.pin

    backend = backend_for(softhsm, pin=pin_provider)
    batch = digests(35)
    values = backend.sign_digests(batch)
    assert len(logins) == 1 and len(pin_asked) == 1
    assert len(values) == 35
    assert all(verify_digest_signature(softhsm.signer.cert, d, v) for d, v in zip(batch, values, strict=True))
    # PKCS#1 v1.5 is deterministic: the token signed exactly DigestInfo(SHA-256, digest)
    assert values[0] == softhsm.signer.key.sign(batch[0], padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    backend.sign_digests(digests(2))
    assert len(logins) == 2  # one login per batch


def test_backend_pkcs11_wrong_pin(softhsm):
    with pytest.raises(SigningError) as info:
        backend_for(softhsm, pin="000000").sign_digests(digests(3))
    assert info.value.code == "wrong_pin"
    assert "PIN is wrong" in str(info.value)
    assert "000000" not in str(info.value)
    # the token still works with the right PIN afterwards
    assert len(backend_for(softhsm).sign_digests(digests(1))) == 1


def test_backend_pkcs11_missing_things(softhsm):
    with pytest.raises(SigningError) as info:
        Pkcs11Backend(softhsm.module, "no such token", softhsm.pin, key_label="signer").sign_digests(digests(1))
    assert info.value.code == "no_token"
    with pytest.raises(SigningError) as info:
        backend_for(softhsm, key_label="nope").sign_digests(digests(1))
    assert info.value.code == "no_key"
    with pytest.raises(SigningError) as info:
        backend_for(softhsm, pin="").sign_digests(digests(1))
    assert info.value.code == "no_pin"
    with pytest.raises(SigningError) as info:
        Pkcs11Backend("/nonexistent/libpkcs11.so", "x", "1", key_label="k").sign_digests(digests(1))
    assert info.value.code == "no_module"


def test_backend_pkcs11_other_key_does_not_verify(softhsm):
    other = backend_for(softhsm, key_label="other")
    assert other.certificate == softhsm.other.cert
    d = digests(1)
    value = other.sign_digests(d)[0]
    assert verify_digest_signature(softhsm.other.cert, d[0], value)
    assert not verify_digest_signature(softhsm.signer.cert, d[0], value)
