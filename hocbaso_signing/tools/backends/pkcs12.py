"""Sign with a key held in a PKCS#12 (.p12/.pfx) file: demo data, tests, a school seal kept as a file.

The password is used once, to open the file, and never kept: only the decrypted key object lives in this
backend's memory, for as long as the backend object does.
"""

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from .base import SigningError, _lt
from .key import KeyBackend


class Pkcs12Backend(KeyBackend):
    """:param p12_bytes: content of the PKCS#12 file
    :param password: its password (``str`` or ``bytes``; ``None`` for an unencrypted file)
    :param chain: optional intermediate certificates, issuer first (default: the other certificates of the file)
    """

    def __init__(self, p12_bytes, password, chain=None):
        if isinstance(password, str):
            password = password.encode()
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(bytes(p12_bytes), password or None)
        except ValueError as e:
            # cryptography says "Invalid password or PKCS12 data" for both; tell the two apart when we can.
            raise SigningError(
                _lt("Cannot open the PKCS#12 file: the password is wrong or the file is damaged."),
                code="wrong_password",
            ) from e
        finally:
            password = None
        if key is None or cert is None:
            raise SigningError(_lt("The PKCS#12 file holds no private key with its certificate."),
                               code="no_key")
        if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) and \
                cert.public_key().public_numbers() != key.public_key().public_numbers():
            raise SigningError(_lt("The certificate in the PKCS#12 file does not match its private key."),
                               code="key_mismatch")
        super().__init__(key, cert, list(chain) if chain is not None else _order_chain(cert, list(extra or [])))


def _order_chain(cert, others):
    """Issuer-first chain from ``cert`` using the certificates of the file (unrelated ones are dropped)."""
    chain, current, pool = [], cert, list(others)
    while True:
        issuer = next((c for c in pool if c.subject == current.issuer), None)
        if issuer is None or issuer in chain:
            return chain
        chain.append(issuer)
        pool.remove(issuer)
        if issuer.subject == issuer.issuer:
            return chain
        current = issuer
