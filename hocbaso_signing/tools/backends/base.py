"""The one interface every signing backend implements.

PDF (PAdES) and XML (XMLDSig) signatures are built by the application: it prepares each document, computes
the digest that must be signed (CMS signed attributes for PDF, canonical SignedInfo for XML), hands only the
digests to the backend, and embeds the returned signature values. So a file key, a PKCS#11 token, a remote
CSC service and a USB token on the signer's own computer all look the same here, and a batch (one class)
needs one confirmation: ``sign_digests`` receives all digests at once.
"""

from abc import ABC, abstractmethod

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

try:
    from odoo.tools.translate import LazyTranslate
except ImportError:  # the desktop signer (desktop_signer.py) runs on a teacher's computer without Odoo
    LazyTranslate = None

if LazyTranslate is not None:
    _lt = LazyTranslate(__name__, default_lang="en_US")
else:
    def _lt(source, *args, **kwargs):
        return source % (args or kwargs) if (args or kwargs) else source

#: DER prefix of a DigestInfo for SHA-256 (RFC 8017 §9.2 note 1); the PKCS#1 v1.5 signature is over
#: ``SHA256_DIGEST_INFO_PREFIX + digest`` when the signer (a token's CKM_RSA_PKCS) signs raw data.
SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


class SigningError(Exception):
    """A backend could not sign (wrong PIN, token absent, remote refusal, time-out...).

    :param message: English source text, a ``LazyGettext`` built with ``_lt(...)`` or a plain string
    :param code: short machine-readable code, e.g. ``'wrong_pin'``, ``'timeout'``, ``'remote_refused'``
    """

    def __init__(self, message="", code="signing"):
        super().__init__(message)
        self.message = message
        self.code = code

    def translate(self, lang=None):
        """The message as text in ``lang`` (e.g. ``'vi_VN'``); ``None`` lets Odoo detect the language."""
        if lang and hasattr(self.message, "_translate"):
            return self.message._translate(lang)
        return str(self.message)

    def __str__(self):
        return self.translate()


def digest_info(digest):
    """The DER DigestInfo(SHA-256, digest) a raw RSA PKCS#1 v1.5 signer must sign."""
    return SHA256_DIGEST_INFO_PREFIX + bytes(digest)


def check_digests(digests):
    """Validate a batch: a non-empty list of 32-byte SHA-256 digests; returns it as a list of bytes."""
    digests = [bytes(d) for d in digests]
    if not digests:
        raise SigningError(_lt("Nothing to sign: the batch holds no digest."), code="empty_batch")
    for d in digests:
        if len(d) != 32:
            raise SigningError(_lt("A SHA-256 digest is 32 bytes long, got %(n)s bytes.", n=len(d)),
                               code="bad_digest")
    return digests


def verify_digest_signature(public_key, digest, signature):
    """True if ``signature`` is a valid RSA PKCS#1 v1.5 (or ECDSA) signature of the SHA-256 ``digest``."""
    if hasattr(public_key, "public_key"):  # a certificate
        public_key = public_key.public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


class SignerBackend(ABC):
    #: 'rsa' or 'ecdsa'; signatures are PKCS#1 v1.5 (RSA) or DER-encoded ECDSA over SHA-256 digests.
    key_type = "rsa"
    digest_algorithm = "sha256"

    @property
    @abstractmethod
    def certificate(self):
        """The signer's certificate (cryptography.x509.Certificate)."""

    @property
    def chain(self):
        """Intermediate (and optionally root) certificates, issuer first; list of x509.Certificate."""
        return []

    @abstractmethod
    def sign_digests(self, digests):
        """Sign each SHA-256 digest (bytes, 32 long); return the signature values in the same order.

        One call = one user confirmation (PIN entry, remote authorisation) for the whole batch.
        """

    def sign_digest(self, digest):
        return self.sign_digests([digest])[0]
