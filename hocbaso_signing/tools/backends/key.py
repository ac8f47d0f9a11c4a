"""A backend holding its private key in memory (loaded from a PKCS#12 file, or a test / demo key)."""

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from .base import SignerBackend, SigningError, _lt, check_digests


class KeyBackend(SignerBackend):
    """Signs SHA-256 digests with an RSA (PKCS#1 v1.5) or ECDSA private key kept in memory."""

    def __init__(self, key, certificate, chain=()):
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise SigningError(_lt("Only RSA and ECDSA keys can sign."), code="key_type")
        self._key = key
        self._cert = certificate
        self._chain = list(chain or [])
        self.key_type = "rsa" if isinstance(key, rsa.RSAPrivateKey) else "ecdsa"

    @property
    def certificate(self):
        return self._cert

    @property
    def chain(self):
        return list(self._chain)

    def sign_digests(self, digests):
        digests = check_digests(digests)
        prehashed = Prehashed(hashes.SHA256())
        if self.key_type == "rsa":
            return [self._key.sign(d, padding.PKCS1v15(), prehashed) for d in digests]
        return [self._key.sign(d, ec.ECDSA(prehashed)) for d in digests]
