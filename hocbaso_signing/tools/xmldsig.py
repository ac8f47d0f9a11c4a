"""Enveloped XMLDSig on học bạ XML documents, in two phases (prepare -> backend signs digest -> finish).

Profile (modelled on the e-invoice profile, domain.md 4.4):

- one ``Signature`` (default namespace ``http://www.w3.org/2000/09/xmldsig#``) in the signer's slot of the
  signature block, e.g. ``HocBaSo/DSCKS/GVCN``; the slots are rendered empty from the declared signers;
- C14N 1.0 (2001-03-15, without comments), RSA-SHA256 (ECDSA-SHA256 for EC keys), SHA-256 digests;
- Reference 1: ``URI="#<payload Id>"`` (the whole payload element, e.g. ``DLHocBa``), transforms
  enveloped-signature + C14N 1.0. The signatures live outside the payload, so every signature stays valid
  when the next one is added to its own slot (cascade GVBM/GVCN -> HieuTruong -> DonVi);
- Reference 2: ``URI="#SigningTime-<slot>-<n>"``, the ``Object/SignatureProperties/SignatureProperty`` holding
  ``SigningTime`` (ISO 8601, UTC), so the signing time is itself signed;
- ``KeyInfo/X509Data``: the signer certificate first, then the chain.

``prepare`` builds the whole Signature with an empty SignatureValue and returns the SHA-256 of the canonical
SignedInfo; a backend signs that digest (RSA PKCS#1 v1.5 with a pre-hashed SHA-256 digest, which is exactly
an RSA-SHA256 signature of the canonical SignedInfo); ``finish`` inserts the value.
"""

import base64
import datetime as dt
import hashlib
from copy import deepcopy
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from lxml import etree

from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.tools.translate import LazyTranslate

from . import xml_document

_lt = LazyTranslate(__name__, default_lang="en_US")

__all__ = ["Prepared", "finish", "prepare", "sign", "sign_many"]

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = DS + "enveloped-signature"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
NS = {"ds": DS}
ID_ATTRIBUTES = ("Id", "ID", "id", "{http://www.w3.org/XML/1998/namespace}id")


def _ds(tag):
    return f"{{{DS}}}{tag}"


@dataclass
class Prepared:
    """A document with a complete Signature except its value; ``digest`` is what the backend signs."""

    xml: bytes  # the document with the new Signature and an empty SignatureValue
    digest: bytes  # SHA-256 of the canonical SignedInfo
    role: str
    signature_id: str
    signer_cert: x509.Certificate
    signed_info: bytes  # canonical SignedInfo (C14N 1.0)
    algorithm: str
    signing_time: str

    # -- serialisation: prepare and finish may run in different HTTP requests (USB token on the signer's PC)
    def to_dict(self):
        return {
            "xml": _b64(self.xml), "digest": _b64(self.digest), "role": self.role,
            "signature_id": self.signature_id, "signed_info": _b64(self.signed_info),
            "signer_cert": _b64(self.signer_cert.public_bytes(serialization.Encoding.DER)),
            "algorithm": self.algorithm, "signing_time": self.signing_time,
        }

    @classmethod
    def from_dict(cls, d):
        ub = base64.b64decode
        return cls(xml=ub(d["xml"]), digest=ub(d["digest"]), role=d["role"], signature_id=d["signature_id"],
                   signer_cert=x509.load_der_x509_certificate(ub(d["signer_cert"])), signed_info=ub(d["signed_info"]),
                   algorithm=d["algorithm"], signing_time=d["signing_time"])


# ---------------------------------------------------------------------------------------------
# Canonicalisation and references (shared with xml_verify)
# ---------------------------------------------------------------------------------------------

XML_NS = "http://www.w3.org/XML/1998/namespace"


def c14n(element):
    """Inclusive C14N 1.0 (without comments) of ``element``'s subtree taken as a document subset.

    lxml's own subtree canonicalisation emits spurious ``xmlns=""`` on descendants when the default namespace
    is declared on an ancestor, so the apex is rebuilt as a standalone root carrying every in-scope namespace
    and the inherited ``xml:*`` attributes (C14N 1.0 section 2.4), then canonicalised as a whole document.
    """
    if element.getparent() is None:
        return etree.tostring(element, method="c14n", exclusive=False, with_comments=False)
    apex = etree.Element(element.tag, nsmap=element.nsmap)
    inherited = {}
    for ancestor in element.iterancestors():
        for name, value in ancestor.attrib.items():
            if name.startswith(f"{{{XML_NS}}}") and name not in inherited:
                inherited[name] = value
    for name, value in inherited.items():
        if name not in element.attrib:
            apex.set(name, value)
    for name, value in element.attrib.items():
        apex.set(name, value)
    apex.text = element.text
    for child in element:
        copy = deepcopy(child)
        copy.tail = child.tail
        apex.append(copy)
    return etree.tostring(apex, method="c14n", exclusive=False, with_comments=False)


def find_by_id(tree, value):
    """All elements carrying ``value`` in an Id-like attribute (a list, so duplicates can be refused)."""
    found = []
    for element in tree.iter(etree.Element):
        if any(element.get(attr) == value for attr in ID_ATTRIBUTES):
            found.append(element)
    return found


def reference_octets(element, transforms, signature=None):
    """Octets of an enveloped/C14N reference: ``element`` without ``signature`` (if inside), canonicalised."""
    unsupported = [t for t in transforms if t not in (ENVELOPED, C14N)]
    if unsupported:
        raise ValueError(f"unsupported transform {unsupported[0]}")
    if ENVELOPED in transforms and signature is not None and _is_ancestor(element, signature):
        # rare in this profile (signatures are outside the payload): canonicalise a copy without it
        path = element.getroottree().getpath(signature)
        copy = etree.fromstring(etree.tostring(element.getroottree()))
        target = copy.getroottree().xpath(path)[0]
        target.getparent().remove(target)
        element = copy.getroottree().xpath(element.getroottree().getpath(element))[0]
    return c14n(element)


def _is_ancestor(element, node):
    parent = node.getparent()
    while parent is not None:
        if parent is element:
            return True
        parent = parent.getparent()
    return False


def _b64(data):
    return base64.b64encode(data).decode("ascii")


def signature_algorithm(cert):
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return RSA_SHA256
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ECDSA_SHA256
    raise RuleError(_lt("Unsupported key type in the signer certificate (RSA or ECDSA expected)."),
                    code="xml_sign_key")


def ecdsa_der_to_raw(signature_value, cert):
    """XMLDSig ECDSA values are r||s (RFC 4050); backends return DER."""
    size = (cert.public_key().curve.key_size + 7) // 8
    r, s = decode_dss_signature(signature_value)
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def ecdsa_raw_to_der(raw):
    half = len(raw) // 2
    return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))


def verify_value(cert, algorithm, value, signed_info):
    """True when ``value`` (as stored in SignatureValue) signs ``signed_info`` with ``cert``'s key."""
    key = cert.public_key()
    try:
        if algorithm == RSA_SHA256 and isinstance(key, rsa.RSAPublicKey):
            key.verify(value, signed_info, padding.PKCS1v15(), hashes.SHA256())
        elif algorithm == ECDSA_SHA256 and isinstance(key, ec.EllipticCurvePublicKey):
            if len(value) % 2:
                return False
            key.verify(ecdsa_raw_to_der(value), signed_info, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def format_time(value):
    value = value or dt.datetime.now(dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------
# Two-phase signing
# ---------------------------------------------------------------------------------------------

def _structure(tree, profile):
    root = tree.getroot()
    doc = profile.by_root(root.tag)
    if doc is None:
        raise RuleError(_lt("Unknown XML document type <%(tag)s>.", tag=root.tag), code="xml_format")
    payloads = root.findall(doc.payload)
    blocks = root.findall(doc.signatures)
    if len(payloads) != 1 or len(blocks) != 1 or not payloads[0].get("Id"):
        raise RuleError(_lt("The XML document has no single payload <%(payload)s Id=…> and signature block "
                            "<%(block)s>.", payload=doc.payload, block=doc.signatures), code="xml_format")
    return doc, payloads[0], blocks[0]


def _slot(block, role, profile):
    tag = profile.roles.get(role)
    if not tag:
        raise RuleError(_lt("Unknown signer role “%(role)s”.", role=role), code="xml_sign_role")
    slots = block.findall(tag)
    empty = [s for s in slots if len(s) == 0]
    if not empty:
        if slots:
            raise RuleError(_lt("The XML document is already signed for this role (%(tag)s).", tag=tag),
                            code="xml_sign_done")
        raise RuleError(_lt("The XML document expects no signature for this role (%(tag)s).", tag=tag),
                        code="xml_sign_role")
    return empty[0], tag, slots.index(empty[0]) + 1


def prepare(xml_bytes, role, signer_cert, chain=(), signing_time=None, profile=None, schema_dir=None):
    """Add ``role``'s Signature (empty value) to ``xml_bytes``; returns :class:`Prepared` with ``.digest``.

    :param role: ``subject_teacher`` | ``homeroom_teacher`` | ``principal`` | ``school_seal``
    :param chain: intermediate (and optionally root) certificates, issuer first
    :param signing_time: aware datetime (naive = UTC), default now
    :param profile: element names (default: from ``schema_dir`` or the built-in 1.0 names)
    :param schema_dir: when given, the document is XSD-validated first (fail closed)
    """
    if schema_dir:
        xml_document.validate(xml_bytes, schema_dir)
        profile = profile or xml_document.load_profile(schema_dir)
    profile = profile or xml_document.DEFAULT_PROFILE
    tree = xml_document.parse(xml_bytes)
    _doc, payload, block = _structure(tree, profile)
    slot, tag, index = _slot(block, role, profile)
    algorithm = signature_algorithm(signer_cert)
    sig_id = f"CKS-{tag}-{index}"
    prop_id = f"SigningTime-{tag}-{index}"
    for value in (sig_id, prop_id):
        if find_by_id(tree, value):
            raise RuleError(_lt("The XML document already has an element with Id “%(id)s”.", id=value),
                            code="xml_sign_done")
    when = format_time(signing_time)

    signature = etree.SubElement(slot, _ds("Signature"), nsmap={None: DS}, Id=sig_id)
    signed_info = etree.SubElement(signature, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod"), Algorithm=C14N)
    etree.SubElement(signed_info, _ds("SignatureMethod"), Algorithm=algorithm)
    refs = [(f"#{payload.get('Id')}", (ENVELOPED, C14N)), (f"#{prop_id}", (C14N,))]
    for uri, transforms in refs:
        reference = etree.SubElement(signed_info, _ds("Reference"), URI=uri)
        tr = etree.SubElement(reference, _ds("Transforms"))
        for algo in transforms:
            etree.SubElement(tr, _ds("Transform"), Algorithm=algo)
        etree.SubElement(reference, _ds("DigestMethod"), Algorithm=SHA256)
        etree.SubElement(reference, _ds("DigestValue"))
    etree.SubElement(signature, _ds("SignatureValue"))
    x509_data = etree.SubElement(etree.SubElement(signature, _ds("KeyInfo")), _ds("X509Data"))
    for cert in [signer_cert, *[c for c in chain or () if c != signer_cert]]:
        etree.SubElement(x509_data, _ds("X509Certificate")).text = _b64(cert.public_bytes(serialization.Encoding.DER))
    props = etree.SubElement(etree.SubElement(signature, _ds("Object")), _ds("SignatureProperties"))
    prop = etree.SubElement(props, _ds("SignatureProperty"), Id=prop_id, Target=f"#{sig_id}")
    etree.SubElement(prop, _ds("SigningTime")).text = when

    # digests are computed on the re-parsed document, i.e. exactly what a verifier will read
    tree = xml_document.parse(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    signature = find_by_id(tree, sig_id)[0]
    for reference, (uri, transforms) in zip(signature.iterfind("ds:SignedInfo/ds:Reference", NS), refs,
                                            strict=True):
        target = find_by_id(tree, uri[1:])[0]
        digest = hashlib.sha256(reference_octets(target, transforms, signature)).digest()
        reference.find("ds:DigestValue", NS).text = _b64(digest)
    signed_info_c14n = c14n(signature.find("ds:SignedInfo", NS))
    return Prepared(
        xml=etree.tostring(tree, xml_declaration=True, encoding="UTF-8"),
        digest=hashlib.sha256(signed_info_c14n).digest(),
        role=role, signature_id=sig_id, signer_cert=signer_cert, signed_info=signed_info_c14n,
        algorithm=algorithm, signing_time=when,
    )


def finish(prepared, signature_value, verify=True):
    """Insert the backend's signature value (PKCS#1 v1.5, or DER ECDSA); returns the signed document bytes.

    With ``verify`` (default) the value is checked against the signer certificate first, so a wrong key or a
    corrupted answer from a remote service never produces a broken document.
    """
    value = bytes(signature_value)
    if prepared.algorithm == ECDSA_SHA256:
        try:
            value = ecdsa_der_to_raw(value, prepared.signer_cert)
        except ValueError as err:
            raise RuleError(_lt("The signing service returned an invalid ECDSA signature."),
                            code="xml_sign_value") from err
    if verify and not verify_value(prepared.signer_cert, prepared.algorithm, value, prepared.signed_info):
        raise RuleError(_lt("The signature value does not match the signer certificate: wrong key or a corrupted "
                            "answer from the signing service."), code="xml_sign_value")
    tree = xml_document.parse(prepared.xml)
    signature = find_by_id(tree, prepared.signature_id)[0]
    signature.find("ds:SignatureValue", NS).text = _b64(value)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def sign(xml_bytes, role, backend, signing_time=None, **kwargs):
    """Prepare, have ``backend`` sign the digest (one confirmation), finish."""
    return sign_many([(xml_bytes, role)], backend, signing_time=signing_time, **kwargs)[0]


def sign_many(items, backend, signing_time=None, **kwargs):
    """Sign several documents with one ``backend.sign_digests`` call; ``items``: [(xml_bytes, role), ...]."""
    cert, chain = backend.certificate, backend.chain
    prepared = [prepare(xml, role, cert, chain, signing_time=signing_time, **kwargs) for xml, role in items]
    values = backend.sign_digests([p.digest for p in prepared])
    if len(values) != len(prepared):
        raise RuleError(_lt("The signing service returned %(got)s signatures for %(sent)s documents.",
                            got=len(values), sent=len(prepared)), code="xml_sign_value")
    return [finish(p, v) for p, v in zip(prepared, values, strict=True)]
