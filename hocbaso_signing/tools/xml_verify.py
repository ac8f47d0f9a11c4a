"""Verification of signed học bạ XML documents (see docs/signing-contract.md, "Verification result").

``verify(xml_bytes, trust_roots, schema_dir)`` never raises on a bad document: it returns
``{'valid', 'kind': 'xml', 'checks': [{'code', 'ok', 'message'}], 'signatures': [...], 'document_id',
'snapshot_sha256'}`` with the checks, in this order:

- ``format``: well-formed, no DOCTYPE, a known root element;
- ``schema``: valid against the folder's XSD (fails closed when the XSD is missing or unreadable);
- ``signatures_present``: every signer declared in the (signed) payload has a signature in its slot;
- ``signature_intact``: each signature follows the profile (C14N 1.0, RSA/ECDSA-SHA256, SHA-256), its
  reference digests match and its SignatureValue verifies with the first KeyInfo certificate;
- ``chain_trusted``: that certificate chains (issuer signatures, CA basic constraints, validity at ``at``) to
  one of ``trust_roots``, and may sign (digitalSignature or nonRepudiation);
- ``signing_time_valid``: the signed SigningTime falls within the signer certificate's validity;
- ``revocation``: ``revocation_checker(cert, issuer, when) -> (ok, message)``; without one it is reported
  ok with "not checked: no revocation data";
- ``xml_coverage``: the document holds only the payload and the signature block, no duplicate Id, each
  signature references exactly the payload root (``#Id``) and its own SigningTime property, and every slot is
  a signer declared in the payload (signature-wrapping defence).
"""

import base64
import binascii
import datetime as dt
import hashlib

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree

from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.tools.translate import LazyTranslate

from . import xml_document
from .xmldsig import (
    C14N,
    DS,
    ECDSA_SHA256,
    ENVELOPED,
    ID_ATTRIBUTES,
    NS,
    RSA_SHA256,
    SHA256,
    c14n,
    find_by_id,
    reference_octets,
    verify_value,
)

_lt = LazyTranslate(__name__, default_lang="en_US")

__all__ = ["CHECKS", "verify"]

CHECKS = ("format", "schema", "signatures_present", "signature_intact", "chain_trusted", "signing_time_valid",
          "revocation", "xml_coverage")
UTC = dt.UTC
MAX_CHAIN = 6
CLOCK_SKEW = dt.timedelta(minutes=5)


class _Checks:
    def __init__(self):
        self.problems = {code: [] for code in CHECKS}
        self.notes = {code: [] for code in CHECKS}
        self.skipped = {}

    def fail(self, code, message):
        self.problems[code].append(str(message))

    def note(self, code, message):
        self.notes[code].append(str(message))

    def skip_all(self, message, after=None):
        started = after is None
        for code in CHECKS:
            if started and code not in self.skipped:
                self.skipped[code] = str(message)
            if code == after:
                started = True

    def result(self):
        out = []
        for code in CHECKS:
            if code in self.skipped and not self.problems[code]:
                out.append({"code": code, "ok": False, "message": self.skipped[code]})
            elif self.problems[code]:
                out.append({"code": code, "ok": False, "message": "; ".join(self.problems[code])})
            else:
                out.append({"code": code, "ok": True, "message": "; ".join(self.notes[code]) or str(_lt("OK"))})
        return out


def _name_cn(name):
    attrs = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return attrs[0].value if attrs else name.rfc4514_string()


def _valid_from(cert):
    return cert.not_valid_before_utc


def _valid_to(cert):
    return cert.not_valid_after_utc


def _issued_by(cert, issuer):
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _is_ca(cert):
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _can_sign(cert):
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return usage.digital_signature or usage.content_commitment


def _chain(cert, intermediates, trust_roots, at):
    """(ok, message, path) — path from ``cert`` up to a trust root (issuer signatures, CA flags, validity)."""
    roots = list(trust_roots or [])
    if not roots:
        return False, str(_lt("no trust root configured")), [cert]
    path = [cert]
    current = cert
    for _depth in range(MAX_CHAIN):
        anchor = next((r for r in roots if r == current), None)
        if anchor is None:
            anchor = next((r for r in roots if _issued_by(current, r)), None)
            if anchor is not None:
                path.append(anchor)
        if anchor is not None:
            break
        issuer = next((c for c in intermediates if c != current and c not in path and _issued_by(current, c)),
                      None)
        if issuer is None:
            return False, str(_lt("“%(subject)s” is not issued by a trusted CA (issuer “%(issuer)s”)",
                                  subject=_name_cn(current.subject), issuer=current.issuer.rfc4514_string())), path
        path.append(issuer)
        current = issuer
    else:
        return False, str(_lt("certificate chain too long")), path
    for ca in path[1:]:
        if not _is_ca(ca):
            return False, str(_lt("“%(subject)s” is not a CA certificate", subject=_name_cn(ca.subject))), path
    if not _can_sign(cert):
        return False, str(_lt("the certificate of “%(subject)s” may not sign documents",
                              subject=_name_cn(cert.subject))), path
    for item in path:
        if not _valid_from(item) <= at <= _valid_to(item):
            return False, str(_lt("the certificate “%(subject)s” is not valid on %(at)s (valid %(start)s to %(end)s)",
                                  subject=_name_cn(item.subject), at=at.isoformat(timespec="seconds"),
                                  start=_valid_from(item).date().isoformat(),
                                  end=_valid_to(item).date().isoformat())), path
    return True, "", path


def _parse_time(text):
    if not text:
        return None
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _b64decode(text):
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _text(element, path):
    found = element.find(path, NS) if element is not None and path else None
    return (found.text or "").strip() if found is not None else None


def _local_ids(tree):
    """{value: count} of every Id-like attribute in the document."""
    counts = {}
    for element in tree.iter(etree.Element):
        for attr in ID_ATTRIBUTES:
            value = element.get(attr)
            if value is not None:
                counts[value] = counts.get(value, 0) + 1
    return counts


def _is_blank(text):
    return not (text or "").strip()


def _check_coverage(tree, doc, profile, checks):
    """Structure of the document outside the payload; returns (payload, block, slots) or Nones."""
    root = tree.getroot()
    payloads = [c for c in root if c.tag == doc.payload]
    blocks = [c for c in root if c.tag == doc.signatures]
    if len(payloads) != 1:
        checks.fail("xml_coverage", _lt("expected exactly one payload <%(tag)s> under the root, found %(n)s",
                                        tag=doc.payload, n=len(payloads)))
    if len(blocks) != 1:
        checks.fail("xml_coverage", _lt("expected exactly one signature block <%(tag)s>, found %(n)s",
                                        tag=doc.signatures, n=len(blocks)))
    if root.attrib:
        checks.fail("xml_coverage", _lt("unsigned attributes on the root element: %(names)s",
                                        names=", ".join(root.attrib)))
    if not _is_blank(root.text):
        checks.fail("xml_coverage", _lt("unsigned text directly under the root element"))
    for child in root:
        if not _is_blank(child.tail):
            checks.fail("xml_coverage", _lt("unsigned text directly under the root element"))
        if child.tag in (doc.payload, doc.signatures):
            continue
        label = child.tag if isinstance(child.tag, str) else "comment/processing instruction"
        checks.fail("xml_coverage", _lt("element outside the signed payload: %(tag)s", tag=label))
    duplicates = sorted(v for v, n in _local_ids(tree).items() if n > 1)
    if duplicates:
        checks.fail("xml_coverage", _lt("duplicate Id values (signature wrapping?): %(ids)s",
                                        ids=", ".join(duplicates)))
    payload = payloads[0] if len(payloads) == 1 else None
    if payload is not None and not payload.get("Id"):
        checks.fail("xml_coverage", _lt("the payload <%(tag)s> has no Id", tag=doc.payload))
        payload = None
    block = blocks[0] if len(blocks) == 1 else None
    slots = []
    role_by_tag = profile.role_by_tag
    if block is not None:
        if block.attrib or not _is_blank(block.text):
            checks.fail("xml_coverage", _lt("unsigned content in the signature block"))
        for slot in block:
            if not _is_blank(slot.tail):
                checks.fail("xml_coverage", _lt("unsigned content in the signature block"))
            if slot.tag not in role_by_tag:
                label = slot.tag if isinstance(slot.tag, str) else "comment/processing instruction"
                checks.fail("xml_coverage", _lt("unknown element in the signature block: %(tag)s", tag=label))
                continue
            children = list(slot)
            if slot.attrib or not _is_blank(slot.text) or any(not _is_blank(c.tail) for c in children) or \
                    len(children) > 1 or (children and children[0].tag != f"{{{DS}}}Signature"):
                checks.fail("xml_coverage", _lt("the signature slot %(tag)s holds something else than one "
                                                "signature", tag=slot.tag))
            slots.append(slot)
    all_sigs = tree.getroot().findall(".//ds:Signature", NS)
    in_slots = {id(s[0]) for s in slots if len(s) and s[0].tag == f"{{{DS}}}Signature"}
    if any(id(s) not in in_slots for s in all_sigs):
        checks.fail("xml_coverage", _lt("a signature sits outside the signature slots"))
    return payload, block, slots


def _verify_signature(signature, role, tree, payload, trust_roots, at, revocation_checker, checks):
    """Check one Signature; returns the per-signature summary dict."""
    summary = {"role": role, "signer": "", "serial": "", "issuer": "", "signing_time": "", "intact": False,
               "trusted": False, "ok": False}
    label = role
    intact = True

    def broken(message):
        nonlocal intact
        intact = False
        checks.fail("signature_intact", f"{label}: {message}")

    signed_info = signature.find("ds:SignedInfo", NS)
    if signed_info is None:
        broken(_lt("no SignedInfo"))
        return summary
    c14n_method = signed_info.find("ds:CanonicalizationMethod", NS)
    sig_method = signed_info.find("ds:SignatureMethod", NS)
    if c14n_method is None or c14n_method.get("Algorithm") != C14N:
        broken(_lt("canonicalisation is not C14N 1.0"))
    algorithm = sig_method.get("Algorithm") if sig_method is not None else None
    if algorithm not in (RSA_SHA256, ECDSA_SHA256):
        broken(_lt("signature algorithm %(algo)s is not allowed (RSA-SHA256 or ECDSA-SHA256)", algo=algorithm))

    # --- certificate
    certs = []
    for node in signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
        der = _b64decode(node.text)
        try:
            certs.append(x509.load_der_x509_certificate(der) if der else None)
        except ValueError:
            certs.append(None)
    cert = certs[0] if certs else None
    if cert is None:
        broken(_lt("no readable X509Certificate in KeyInfo"))
    else:
        summary.update(signer=_name_cn(cert.subject), serial=format(cert.serial_number, "x"),
                       issuer=cert.issuer.rfc4514_string())

    # --- signing time property
    own_props = {}
    for prop in signature.findall("ds:Object/ds:SignatureProperties/ds:SignatureProperty", NS):
        if prop.get("Id"):
            own_props[prop.get("Id")] = prop
    signing_time = None
    # --- references
    payload_ref = time_ref = False
    references = signed_info.findall("ds:Reference", NS)
    for reference in references:
        uri = reference.get("URI")
        transforms = [t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", NS)]
        digest_method = reference.find("ds:DigestMethod", NS)
        if not uri or not uri.startswith("#") or len(uri) < 2:
            checks.fail("xml_coverage", f"{label}: " + str(_lt("reference “%(uri)s” is not a same-document Id",
                                                                 uri=uri)))
            intact = False
            continue
        targets = find_by_id(tree, uri[1:])
        target = targets[0] if len(targets) == 1 else None
        if target is not None and payload is not None and target is payload:
            if payload_ref:
                checks.fail("xml_coverage", f"{label}: " + str(_lt("the payload is referenced twice")))
            payload_ref = True
            if transforms not in ([ENVELOPED, C14N], [C14N], [ENVELOPED]):
                broken(_lt("unexpected transforms on the payload reference"))
                continue
        elif target is not None and own_props.get(uri[1:]) is target:
            if time_ref:
                checks.fail("xml_coverage", f"{label}: " + str(_lt("the signing time is referenced twice")))
            time_ref = True
            signing_time = _text(target, "ds:SigningTime")
            if transforms not in ([C14N], [], [ENVELOPED, C14N]):
                broken(_lt("unexpected transforms on the signing-time reference"))
                continue
        else:
            checks.fail("xml_coverage", f"{label}: " + str(_lt(
                "reference “%(uri)s” points to neither the payload root nor the signature's own SigningTime",
                uri=uri)))
            intact = False
            continue
        if digest_method is None or digest_method.get("Algorithm") != SHA256:
            broken(_lt("digest algorithm of %(uri)s is not SHA-256", uri=uri))
            continue
        expected = _b64decode(_text(reference, "ds:DigestValue"))
        try:
            actual = hashlib.sha256(reference_octets(target, transforms, signature)).digest()
        except ValueError as err:
            broken(str(err))
            continue
        if expected != actual:
            broken(_lt("the content of %(uri)s was modified after signing", uri=uri))
    if not payload_ref:
        checks.fail("xml_coverage", f"{label}: " + str(_lt("the signature does not cover the payload")))
        intact = False
    if not time_ref:
        checks.fail("xml_coverage", f"{label}: " + str(_lt("the signing time is not signed")))

    # --- signature value
    value = _b64decode(_text(signature, "ds:SignatureValue"))
    if cert is not None and algorithm in (RSA_SHA256, ECDSA_SHA256):
        if not value:
            broken(_lt("no signature value"))
        elif not _key_matches(cert, algorithm):
            broken(_lt("the certificate key does not match the signature algorithm"))
        elif not verify_value(cert, algorithm, value, c14n(signed_info)):
            broken(_lt("the signature value does not verify with the signer certificate"))
    summary["intact"] = intact

    # --- chain of trust
    when = _parse_time(signing_time)
    if when is not None:
        summary["signing_time"] = when.astimezone(UTC).isoformat(timespec="seconds")
    if cert is not None:
        intermediates = [c for c in certs[1:] if c is not None]
        trusted, message, path = _chain(cert, intermediates, trust_roots, at)
        summary["trusted"] = trusted
        if not trusted:
            checks.fail("chain_trusted", f"{label}: {message}")
        # --- signing time
        if when is None:
            checks.fail("signing_time_valid", f"{label}: " + str(_lt("no valid signed SigningTime")))
        elif not _valid_from(cert) <= when <= _valid_to(cert):
            checks.fail("signing_time_valid", f"{label}: " + str(_lt(
                "signed at %(when)s, outside the certificate validity (%(start)s to %(end)s)",
                when=summary["signing_time"], start=_valid_from(cert).isoformat(timespec="seconds"),
                end=_valid_to(cert).isoformat(timespec="seconds"))))
        elif when > at + CLOCK_SKEW:
            checks.fail("signing_time_valid", f"{label}: " + str(_lt("signing time %(when)s is in the future",
                                                                       when=summary["signing_time"])))
        # --- revocation
        revoked_ok = True
        if revocation_checker is not None:
            issuer = path[1] if len(path) > 1 else None
            try:
                ok, message = revocation_checker(cert, issuer, when or at)
            except Exception as err:  # a failing checker must not pass silently
                ok, message = False, str(_lt("revocation check failed: %(error)s", error=str(err)))
            if ok is False:
                revoked_ok = False
                checks.fail("revocation", f"{label}: {message}")
            elif message:
                checks.note("revocation", f"{label}: {message}")
    else:
        checks.fail("chain_trusted", f"{label}: " + str(_lt("no certificate")))
        checks.fail("signing_time_valid", f"{label}: " + str(_lt("no certificate")))
        revoked_ok = False
    time_ok = cert is not None and when is not None and _valid_from(cert) <= when <= _valid_to(cert) and \
        when <= at + CLOCK_SKEW
    summary["ok"] = bool(summary["intact"] and summary["trusted"] and time_ok and revoked_ok)
    return summary


def _key_matches(cert, algorithm):
    key = cert.public_key()
    return (algorithm == RSA_SHA256 and isinstance(key, rsa.RSAPublicKey)) or \
        (algorithm == ECDSA_SHA256 and isinstance(key, ec.EllipticCurvePublicKey))


def verify(xml_bytes, trust_roots, schema_dir, at=None, revocation_checker=None, require_all=True):
    """Verify a signed học bạ XML document; see the module docstring for the result.

    :param trust_roots: list of ``x509.Certificate`` (the configured root CAs)
    :param schema_dir: the schema folder of the document's format version
    :param at: aware datetime of the chain validation (default now)
    :param revocation_checker: optional ``f(cert, issuer_cert_or_None, when) -> (ok: bool|None, message)``
    :param require_all: every declared signer must have signed (False while the cascade is in progress)
    """
    at = at or dt.datetime.now(UTC)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    checks = _Checks()
    result = {"valid": False, "kind": "xml", "checks": [], "signatures": [], "document_id": None,
              "snapshot_sha256": None}

    # --- format
    try:
        profile = xml_document.load_profile(schema_dir)
    except RuleError as err:
        profile = xml_document.DEFAULT_PROFILE
        checks.fail("schema", err)
    doc = tree = None
    try:
        tree = xml_document.parse(xml_bytes)
        doc = profile.by_root(tree.getroot().tag)
        if doc is None:
            checks.fail("format", _lt("unknown document type <%(tag)s>", tag=tree.getroot().tag))
    except RuleError as err:
        checks.fail("format", err)
    if doc is None:
        checks.skip_all(_lt("not checked: the document could not be read"), after="format")
        result["checks"] = checks.result()
        return result

    # --- schema
    if not checks.problems["schema"]:
        try:
            xml_document.validate(xml_bytes, schema_dir)
        except RuleError as err:
            checks.fail("schema", err)

    # --- coverage and structure
    payload, _block, slots = _check_coverage(tree, doc, profile, checks)
    if payload is not None:
        result["document_id"] = _text(payload, doc.document_id)
        result["snapshot_sha256"] = _text(payload, doc.snapshot_sha256)

    # --- declared signers vs slots
    role_by_tag = profile.role_by_tag
    declared = [(n.text or "").strip() for n in payload.findall(doc.signer_roles)] if payload is not None and \
        doc.signer_roles else []
    slot_tags = [s.tag for s in slots]
    remaining = list(declared)
    for tag in slot_tags:
        if tag in remaining:
            remaining.remove(tag)
        else:
            checks.fail("xml_coverage", _lt("signature slot %(tag)s is not declared in the signed payload", tag=tag))
    signed = [s for s in slots if len(s) == 1 and s[0].tag == f"{{{DS}}}Signature"]
    missing = [tag for tag in declared if tag not in [s.tag for s in signed] or
               [s.tag for s in signed].count(tag) < declared.count(tag)]
    missing = list(dict.fromkeys(missing))
    if not signed:
        checks.fail("signatures_present", _lt("the document is not signed"))
    elif missing and require_all:
        checks.fail("signatures_present", _lt("missing signatures: %(roles)s",
                                              roles=", ".join(role_by_tag.get(t, t) for t in missing)))
    else:
        checks.note("signatures_present", _lt("%(n)s of %(m)s signatures", n=len(signed), m=len(declared)))

    # --- each signature
    for slot in signed:
        role = role_by_tag.get(slot.tag, slot.tag)
        result["signatures"].append(_verify_signature(slot[0], role, tree, payload, trust_roots, at,
                                                      revocation_checker, checks))
    if revocation_checker is None:
        checks.note("revocation", _lt("not checked: no revocation data"))
    if not signed:
        for code in ("signature_intact", "chain_trusted", "signing_time_valid"):
            checks.fail(code, _lt("no signature"))
    result["checks"] = checks.result()
    result["valid"] = all(c["ok"] for c in result["checks"])
    return result
