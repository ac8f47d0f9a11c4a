"""Signing with a USB token on the signer's own computer, through the desktop signer (``desktop_signer.py``).

The server never sees the token nor its PIN. Odoo prepares the documents with the signer's **registered
certificate** (the PAdES/XAdES signed attributes name it, so it must be known before the digests exist:
``python desktop_signer.py --print-certificate ...`` prints it for registration), creates a signing request
holding the digests, and gives the signer the request id and a one-time token (shown once, e.g. as a
``hocbaso-sign://`` link or copy-paste). The desktop signer then talks to Odoo over HTTPS:

Protocol (implemented by the Odoo controller; ``{base}`` = the Odoo URL)
-------------------------------------------------------------------------
``GET {base}/hocbaso/sign/request/<id>`` with header ``Authorization: Bearer <token>``
    200 ``{"id": "<id>", "digests": ["<b64 SHA-256>", ...], "algorithm": "sha256",
    "documents": ["<label>", ...], "certificate_hint": {"sha256": "<hex fingerprint>", "serial": "<hex>",
    "subject": "<RFC 4514>"} | null, "expires_at": "<ISO 8601 UTC>"}``
    (``documents[i]`` labels ``digests[i]`` for the signer to read; build it with :func:`request_document`).
``POST {base}/hocbaso/sign/request/<id>`` with the same header and JSON body
    ``{"certificate": "<b64 DER>", "chain": ["<b64 DER>", ...], "signatures": ["<b64>", ...]}``
    (``signatures[i]`` = RSA PKCS#1 v1.5 signature value of ``digests[i]``) -> 200 ``{"status": "done"}``.
Errors: JSON ``{"error": "<code>", "message": "<text>"}`` with 401 ``invalid_token`` (missing, wrong or
already used token), 404 ``not_found``, 409 ``expired`` / ``already_done``, 400 ``bad_response`` (wrong
count, undecodable values, another certificate than the hint, a signature that does not verify).

Server side rules: store only ``token_hash`` (:func:`new_request`), compare with :func:`verify_token`
(constant time); refuse after ``expires_at``; run :func:`check_response` before accepting a POST, then the
token is spent (the request is done). The signature values are then injected with
:class:`ExternalBackend` into the prepared documents (``finish``) of that same request.
"""

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import secrets
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from .base import SignerBackend, SigningError, _lt, check_digests, verify_digest_signature

ALGORITHM = "sha256"
DEFAULT_TTL = dt.timedelta(minutes=30)
PATH = "/hocbaso/sign/request/"


def hash_token(token):
    """Hex SHA-256 of a one-time token: the only form in which the token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def verify_token(stored_hash, presented):
    """True if ``presented`` is the token whose hash was stored (constant-time comparison)."""
    if not stored_hash or not presented or not isinstance(presented, str):
        return False
    return hmac.compare_digest(hash_token(presented), str(stored_hash))


def fingerprint(certificate):
    """Hex SHA-256 fingerprint of a certificate."""
    return _load_certificate(certificate).fingerprint(hashes.SHA256()).hex()


def make_certificate_hint(certificate):
    """The ``certificate_hint`` of a request: identifies the registered certificate the signer must use."""
    if certificate is None:
        return None
    if isinstance(certificate, dict):
        return certificate
    cert = _load_certificate(certificate)
    return {"sha256": fingerprint(cert), "serial": format(cert.serial_number, "x"),
            "subject": cert.subject.rfc4514_string()}


def new_request(digests, certificate_hint=None, documents=None, ttl=DEFAULT_TTL, now=None):
    """A new signing request for ``digests`` (SHA-256, bytes).

    Returns ``{id, token, token_hash, digests (b64), algorithm, documents, certificate_hint, expires_at}``.
    ``token`` is the one-time secret for the desktop signer: show it once and **do not store it**; store
    ``token_hash``. ``certificate_hint`` is the registered certificate (x509, DER, PEM or a hint dict), or None.
    """
    digests = check_digests(digests)
    documents = list(documents) if documents is not None else [f"#{i + 1}" for i in range(len(digests))]
    if len(documents) != len(digests):
        raise SigningError(_lt("Each digest needs one document label."), code="bad_request")
    token = secrets.token_urlsafe(32)
    now = now or dt.datetime.now(dt.UTC)
    return {
        "id": uuid.uuid4().hex,
        "token": token,
        "token_hash": hash_token(token),
        "digests": [base64.b64encode(d).decode("ascii") for d in digests],
        "algorithm": ALGORITHM,
        "documents": documents,
        "certificate_hint": make_certificate_hint(certificate_hint),
        "expires_at": (now + ttl).isoformat(timespec="seconds"),
    }


def request_document(request):
    """The JSON the GET endpoint answers for a request made by :func:`new_request` (no secret in it)."""
    return {key: request.get(key) for key in ("id", "digests", "algorithm", "documents", "certificate_hint",
                                               "expires_at")}


def is_expired(request, now=None):
    expires = request.get("expires_at")
    if not expires:
        return False
    now = now or dt.datetime.now(dt.UTC)
    return now >= dt.datetime.fromisoformat(expires)


def _load_certificate(value):
    if isinstance(value, x509.Certificate):
        return value
    if isinstance(value, str):
        value = value.encode("ascii")
    if not isinstance(value, bytes | bytearray):
        raise SigningError(_lt("The certificate is missing."), code="bad_response")
    value = bytes(value)
    try:
        if value.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(value)
        try:
            return x509.load_der_x509_certificate(value)
        except ValueError:
            return x509.load_der_x509_certificate(base64.b64decode(value, validate=True))
    except (ValueError, binascii.Error) as e:
        raise SigningError(_lt("The certificate cannot be read."), code="bad_response") from e


def _b64decode(value):
    try:
        return base64.b64decode(value, validate=True)
    except (TypeError, ValueError, binascii.Error) as e:
        raise SigningError(_lt("A signature value is not valid base64."), code="bad_response") from e


def parse_response(body):
    """Decode the POST body ``{certificate, chain, signatures}`` -> ``(certificate, chain, [bytes])``."""
    if not isinstance(body, dict):
        raise SigningError(_lt("The answer of the desktop signer is not a JSON object."), code="bad_response")
    certificate = _load_certificate(body.get("certificate"))
    chain = [_load_certificate(c) for c in body.get("chain") or []]
    values = body.get("signatures")
    if not isinstance(values, list):
        raise SigningError(_lt("The answer of the desktop signer holds no signature list."), code="bad_response")
    return certificate, chain, [_b64decode(v) for v in values]


def check_response(digests, certificate, signatures, expected=None, at=None):
    """Accept the desktop signer's answer only if it is right; returns ``(certificate, [signature bytes])``.

    :param digests: the request's digests (bytes, or the base64 strings of the request)
    :param certificate: the certificate the signer sent (x509, DER, base64 DER or PEM)
    :param signatures: signature values (bytes or base64), one per digest, same order
    :param expected: the certificate (or hint dict) the documents were prepared with; another one is refused
    :param at: the time the certificate must be valid at (default: now)

    Raises :class:`SigningError` (code ``bad_response``, ``wrong_certificate``, ``certificate_expired`` or
    ``wrong_key``) unless every signature value verifies against its digest with the certificate's key.
    """
    digests = check_digests([_b64decode(d) if isinstance(d, str) else d for d in digests])
    cert = _load_certificate(certificate)
    values = [_b64decode(s) if isinstance(s, str) else bytes(s) for s in signatures]
    if len(values) != len(digests):
        raise SigningError(_lt("The desktop signer returned %(got)s signatures for %(n)s documents.",
                               got=len(values), n=len(digests)), code="bad_response")
    if expected is not None:
        hint = make_certificate_hint(expected)
        if hint.get("sha256") and hint["sha256"].lower() != fingerprint(cert):
            raise SigningError(_lt("The documents were prepared for another certificate than the one the token "
                                   "used (%(subject)s).", subject=cert.subject.rfc4514_string()),
                               code="wrong_certificate")
    at = at or dt.datetime.now(dt.UTC)
    if not (cert.not_valid_before_utc <= at <= cert.not_valid_after_utc):
        raise SigningError(_lt("The signer's certificate is not valid now (valid %(start)s to %(end)s).",
                               start=cert.not_valid_before_utc.date().isoformat(),
                               end=cert.not_valid_after_utc.date().isoformat()), code="certificate_expired")
    _verify_all(digests, cert, values)
    return cert, values


def _verify_all(digests, cert, values):
    for i, (digest, value) in enumerate(zip(digests, values, strict=True)):
        if not verify_digest_signature(cert, digest, value):
            raise SigningError(_lt("Signature %(n)s does not match the certificate's public key: the token "
                                   "signed with another key.", n=i + 1), code="wrong_key")


def response_body(certificate, chain, signatures):
    """The POST body the desktop signer sends (inverse of :func:`parse_response`)."""
    def der(c):
        return base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii")

    return {"certificate": der(certificate), "chain": [der(c) for c in chain or []],
            "signatures": [base64.b64encode(s).decode("ascii") for s in signatures]}


class ExternalBackend(SignerBackend):
    """The signature values the desktop signer produced, served to ``finish`` like any backend's.

    :param provider: ``{digest bytes: signature bytes}`` (e.g. built from a checked response), or a callable
        ``provider(digests) -> [signature bytes]``
    :param certificate: the signer's certificate (x509, DER, base64 or PEM)
    :param chain: its intermediate certificates, issuer first

    ``sign_digests`` only returns values that verify against ``certificate``; a digest the signer did not
    sign raises :class:`SigningError` (``not_signed``).
    """

    def __init__(self, provider, certificate, chain=None):
        self._provider = provider
        self._cert = _load_certificate(certificate)
        self._chain = [_load_certificate(c) for c in chain or []]

    @classmethod
    def from_response(cls, digests, body, expected=None):
        """Check the POST body of the desktop signer against the request's ``digests`` and wrap it."""
        cert, chain, values = parse_response(body)
        cert, values = check_response(digests, cert, values, expected=expected)
        digests = [_b64decode(d) if isinstance(d, str) else bytes(d) for d in digests]
        return cls(dict(zip(digests, values, strict=True)), cert, chain)

    @property
    def certificate(self):
        return self._cert

    @property
    def chain(self):
        return list(self._chain)

    def sign_digests(self, digests):
        digests = check_digests(digests)
        if callable(self._provider):
            values = list(self._provider(digests))
        else:
            missing = [d for d in digests if d not in self._provider]
            if missing:
                raise SigningError(_lt("%(n)s documents changed after the token signed them: sign again.",
                                       n=len(missing)), code="not_signed")
            values = [self._provider[d] for d in digests]
        if len(values) != len(digests):
            raise SigningError(_lt("The desktop signer returned %(got)s signatures for %(n)s documents.",
                                   got=len(values), n=len(digests)), code="bad_response")
        _verify_all(digests, self._cert, values)
        return values
