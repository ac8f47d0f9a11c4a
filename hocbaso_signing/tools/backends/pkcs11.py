"""Sign with a key on a PKCS#11 token (USB token, HSM; SoftHSM2 in the tests) through python-pkcs11.

The token signs with the raw mechanism ``CKM_RSA_PKCS``: it applies PKCS#1 v1.5 padding to the bytes it gets,
so the backend hands it the DER ``DigestInfo(SHA-256, digest)`` built here. This works with every token
(many do not offer ``CKM_SHA256_RSA_PKCS`` on pre-computed digests, none can hash a digest "again").

One ``sign_digests`` call = one session and one login (one PIN entry) for the whole batch. Keys flagged
``CKA_ALWAYS_AUTHENTICATE`` get the context-specific login before each signature, from the same PIN.

The PIN may be given as a string or as a callable returning it (asked once per batch, e.g. with
``getpass``); it is never logged nor written anywhere.
"""

import threading

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from .base import SignerBackend, SigningError, _lt, check_digests, digest_info

try:
    import pkcs11
    from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
    from pkcs11 import exceptions as p11e
    from pkcs11.util.ec import encode_ecdsa_signature
except ImportError:  # pragma: no cover - python-pkcs11 is a dependency of the suite
    pkcs11 = None

_LOCK = threading.Lock()


def _pin_error(exc):
    if isinstance(exc, p11e.PinIncorrect | p11e.PinInvalid | p11e.PinLenRange):
        return SigningError(_lt("The token PIN is wrong."), code="wrong_pin")
    if isinstance(exc, p11e.PinLocked):
        return SigningError(_lt("The token PIN is locked: too many wrong attempts."), code="pin_locked")
    if isinstance(exc, p11e.PinExpired):
        return SigningError(_lt("The token PIN has expired: change it with the token's tool."), code="pin_expired")
    return None


class Pkcs11Backend(SignerBackend):
    """:param module_path: the PKCS#11 library (e.g. ``/usr/lib/softhsm/libsofthsm2.so``)
    :param token_label: label of the token
    :param pin: user PIN (``str``), or a callable returning it, called once per batch
    :param key_label: label of the private key (and of its certificate, unless ``cert_label``/``key_id``)
    :param key_id: ``CKA_ID`` (bytes or hex string) of the key and its certificate, instead of / with the label
    :param cert_label: label of the certificate, if it differs from the key's
    :param chain: intermediate certificates, issuer first; default: the other certificates on the token that
        certify the signer's certificate
    """

    def __init__(self, module_path, token_label, pin, key_label=None, key_id=None, cert_label=None, chain=None):
        if pkcs11 is None:
            raise SigningError(_lt("python-pkcs11 is not installed."), code="no_pkcs11")
        if not key_label and not key_id:
            raise SigningError(_lt("Give the key label or the key id of the signing key."), code="no_key")
        self.module_path = module_path
        self.token_label = token_label
        self._pin = pin
        self.key_label = key_label or None
        self.key_id = bytes.fromhex(key_id) if isinstance(key_id, str) else key_id
        self.cert_label = cert_label
        self._cert = None
        self._chain = list(chain) if chain is not None else None

    # ------------------------------------------------------------------ token access
    def _token(self):
        try:
            lib = pkcs11.lib(self.module_path)
        except (OSError, RuntimeError, p11e.PKCS11Error) as e:
            raise SigningError(_lt("Cannot load the PKCS#11 library %(path)s.", path=self.module_path),
                               code="no_module") from e
        try:
            return lib.get_token(token_label=self.token_label)
        except p11e.NoSuchToken as e:
            raise SigningError(_lt("The token “%(label)s” is not connected.", label=self.token_label),
                               code="no_token") from e
        except p11e.MultipleTokensReturned as e:
            raise SigningError(_lt("Several tokens are labelled “%(label)s”.", label=self.token_label),
                               code="token_ambiguous") from e

    def _read_pin(self):
        pin = self._pin() if callable(self._pin) else self._pin
        if pin is None or pin == "":
            raise SigningError(_lt("The token PIN is required."), code="no_pin")
        return pin

    def _login(self, token, pin):
        """Open a session and log the user in (one call per batch)."""
        try:
            return token.open(user_pin=pin)
        except p11e.PKCS11Error as e:
            raise (_pin_error(e) or SigningError(_lt("Cannot log in to the token: %(error)s",
                                                     error=type(e).__name__), code="login_failed")) from e

    def _find_key(self, session):
        try:
            return session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=self.key_label, id=self.key_id)
        except p11e.NoSuchKey as e:
            raise SigningError(_lt("The signing key was not found on the token."), code="no_key") from e
        except p11e.MultipleObjectsReturned as e:
            raise SigningError(_lt("Several keys on the token match; give the key id."), code="key_ambiguous") from e

    def _certificates(self, session):
        return [x509.load_der_x509_certificate(obj[Attribute.VALUE])
                for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})]

    def _load_certificates(self, session):
        attrs = {Attribute.CLASS: ObjectClass.CERTIFICATE}
        if self.cert_label or (self.key_label and not self.key_id):
            attrs[Attribute.LABEL] = self.cert_label or self.key_label
        if self.key_id and not self.cert_label:
            attrs[Attribute.ID] = self.key_id
        found = list(session.get_objects(attrs))
        if len(found) != 1:
            raise SigningError(
                _lt("The signer's certificate was not found on the token.") if not found
                else _lt("Several certificates on the token match; give the key id."),
                code="no_certificate" if not found else "certificate_ambiguous")
        self._cert = x509.load_der_x509_certificate(found[0][Attribute.VALUE])
        self.key_type = "ecdsa" if isinstance(self._cert.public_key(), ec.EllipticCurvePublicKey) else "rsa"
        if self._chain is None:
            self._chain = _build_chain(self._cert, self._certificates(session))

    def _ensure_certificate(self):
        if self._cert is not None:
            return
        token = self._token()
        with _LOCK:
            try:
                with token.open() as session:  # certificates are public objects: no login needed
                    self._load_certificates(session)
            except p11e.PKCS11Error as e:
                raise SigningError(_lt("Cannot read the token: %(error)s", error=type(e).__name__),
                                   code="token_error") from e

    # ------------------------------------------------------------------ SignerBackend
    @property
    def certificate(self):
        self._ensure_certificate()
        return self._cert

    @property
    def chain(self):
        self._ensure_certificate()
        return list(self._chain)

    def sign_digests(self, digests):
        digests = check_digests(digests)
        token = self._token()
        pin = self._read_pin()
        with _LOCK:
            session = self._login(token, pin)
            try:
                key = self._find_key(session)
                try:
                    always_auth = bool(key[Attribute.ALWAYS_AUTHENTICATE])
                except p11e.PKCS11Error:
                    always_auth = False
                if self._cert is None:
                    self._load_certificates(session)
                is_ec = key.key_type == KeyType.EC
                signatures = []
                for digest in digests:
                    if always_auth:
                        session.reaffirm_credentials(pin)
                    if is_ec:  # CKM_ECDSA signs the digest itself and returns r || s
                        signatures.append(encode_ecdsa_signature(key.sign(digest, mechanism=Mechanism.ECDSA)))
                    else:
                        signatures.append(key.sign(digest_info(digest), mechanism=Mechanism.RSA_PKCS))
                return signatures
            except SigningError:
                raise
            except p11e.PKCS11Error as e:
                raise (_pin_error(e) or SigningError(_lt("The token refused to sign: %(error)s",
                                                         error=type(e).__name__), code="token_error")) from e
            finally:
                pin = None
                session.close()


def _build_chain(cert, pool):
    chain, current = [], cert
    while current.issuer != current.subject:
        issuer = next((c for c in pool if c.subject == current.issuer and c not in chain and c != current), None)
        if issuer is None:
            break
        chain.append(issuer)
        current = issuer
    return chain
