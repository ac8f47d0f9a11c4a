"""PAdES signing of transcript PDFs in two phases (prepare → backend signs a digest → finish).

Profile: PAdES baseline (``/SubFilter /ETSI.CAdES.detached``), SHA-256, RSA PKCS#1 v1.5 or ECDSA. The signer's
role goes into the signature's ``/ContactInfo`` and into a CAdES ``signer-attributes-v2`` claimed role; the
reason and location into ``/Reason`` and ``/Location``; the signing time into ``/M``.

Levels (``meta['level']``):

* ``B-B`` — signature only;
* ``B-T`` — plus a signature time-stamp token (fetched in :func:`finish`, after the signature value exists);
* ``B-LT`` — plus a DSS revision with the certificates (and CRLs / OCSP responses when available) needed to
  validate the signature and its time-stamp;
* ``B-LTA`` — plus a document time-stamp over that.

Signatures are always incremental and go into fields created beforehand by :func:`add_signature_fields`,
so each later signature is "form filling" for the earlier ones. The final signature (``meta['lock']``,
the school seal) locks the document: a field lock ``/Action /All`` with ``/P 1`` (PDF 2.0 "lock document",
DocMDP "no changes" on an approval signature). It is not a certification signature: a certification
signature must be the first one in the document.

Only the digest of the CMS signed attributes (SHA-256, 32 bytes) leaves this module: any
:class:`~odoo.addons.hocbaso_signing.tools.backends.base.SignerBackend` can sign it.
"""

import asyncio
import base64
import datetime as dt
import functools
import hashlib
import io
import logging
import os
import unicodedata
from dataclasses import dataclass, field

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils import content, generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.ades.api import CAdESSignedAttrSpec, GenericCommitment, SignerAttrSpec
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__, default_lang="en_US")
_logger = logging.getLogger(__name__)

UTC = dt.UTC
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
MD = "sha256"
INFO_DOCUMENT_ID = "/HocBaSoDocumentId"
INFO_SNAPSHOT_SHA256 = "/HocBaSoSnapshotSHA256"
ROLE_URN = "urn:hocbaso:role:"
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
)


# ------------------------------------------------------------------------------------------------ helpers

def _run(coro):
    """Run a pyHanko coroutine from synchronous code (Odoo workers have no running event loop)."""
    return asyncio.run(coro)


def _to_asn1(cert):
    """Accept cryptography / asn1crypto certificates or PEM / DER bytes; return asn1crypto."""
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    if isinstance(cert, str):
        cert = cert.encode()
    if isinstance(cert, bytes | bytearray):
        data = bytes(cert)
        if data.lstrip().startswith(b"-----BEGIN"):
            data = x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.DER)
        return asn1_x509.Certificate.load(data)
    raise TypeError(f"unsupported certificate type {type(cert)!r}")


def _to_crypto(cert):
    if isinstance(cert, x509.Certificate):
        return cert
    return x509.load_der_x509_certificate(_to_asn1(cert).dump())


def to_asn1_list(certs):
    """Certificates (or a PEM bundle) → list of asn1crypto certificates."""
    if not certs:
        return []
    if isinstance(certs, bytes | str):
        data = certs.encode() if isinstance(certs, str) else certs
        if data.count(b"-----BEGIN CERTIFICATE-----") > 1:
            return [_to_asn1(c) for c in x509.load_pem_x509_certificates(data)]
        return [_to_asn1(data)]
    return [_to_asn1(c) for c in certs]


def _timestamper(value):
    """A TimeStamper from a URL (RFC 3161 over HTTP) or an already built TimeStamper (tests: DummyTimeStamper)."""
    if not value:
        return None
    if isinstance(value, timestamps.TimeStamper):
        return value
    return timestamps.HTTPTimeStamper(str(value), timeout=30)


def _fold_ascii(text):
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@functools.lru_cache(maxsize=1)
def _appearance_font():
    """Register a TrueType font with Vietnamese glyphs for the stamps (once per process)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in FONT_PATHS:
        if os.path.exists(path):
            pdfmetrics.registerFont(TTFont("HocBaSoStamp", path))
            return "HocBaSoStamp"
    return None


def render_appearance(lines, width, height):
    """A one-page PDF (reportlab, embedded font subset) of ``width`` × ``height`` pt with the stamp text."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    font = _appearance_font()
    if font is None:  # no TrueType font installed: standard font, diacritics dropped
        font, lines = "Helvetica", [_fold_ascii(line) for line in lines]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), pageCompression=1)
    c.setStrokeColorRGB(0.1, 0.3, 0.6)
    c.setLineWidth(0.8)
    c.rect(0.5, 0.5, width - 1, height - 1)
    lines = [line for line in lines if line]
    size = min(9.0, (height - 6) / max(1, len(lines)) / 1.25)
    for line in lines:
        need = stringWidth(line, font, size)
        if need > width - 8:
            size = min(size, size * (width - 8) / need)
    size = max(size, 4.0)
    c.setFillColorRGB(0.1, 0.2, 0.5)
    y = height - 3 - size
    for line in lines:
        c.setFont(font, size)
        c.drawString(4, y, line)
        y -= size * 1.25
    c.showPage()
    c.save()
    return buf.getvalue()


class _PdfBytesPage(content.PdfContent):
    """Like pyHanko's ImportedPdfPage, from bytes instead of a file name."""

    def __init__(self, pdf_bytes, page_ix=0):
        self.pdf_bytes = pdf_bytes
        self.page_ix = page_ix
        super().__init__()

    def render(self) -> bytes:
        w = self._ensure_writer
        r = PdfFileReader(io.BytesIO(self.pdf_bytes))
        xobj = w.import_page_as_xobject(r, page_ix=self.page_ix)
        name = "/Stamp" + hashlib.sha1(self.pdf_bytes).hexdigest()[:16]
        self.resources.xobject[name] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = content.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode() + b" Do"


def _field_box(sig_field):
    try:
        x1, y1, x2, y2 = (float(v) for v in sig_field["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    w, h = abs(x2 - x1), abs(y2 - y1)
    return (w, h) if w > 1 and h > 1 else None


def _find_field(reader_or_writer, name):
    """(field dict, its reference) of the top-level signature field ``name``, or (None, None)."""
    for fq_name, value, ref in fields.enumerate_sig_fields(reader_or_writer, filled_status=None):
        if fq_name == name:
            return ref.get_object(), ref, value
    return None, None, None


def _existing_lock(reader):
    """The name of a filled field whose signature locks the document (DocMDP /P 1), else None."""
    for name, value, ref in fields.enumerate_sig_fields(reader, filled_status=True):
        sig_field = ref.get_object()
        perm = None
        try:
            perm = int(sig_field["/Lock"]["/P"])
        except (KeyError, TypeError, ValueError):
            pass
        try:
            for ref_dict in value.get_object().get("/Reference", ()):
                ref_dict = ref_dict.get_object()
                if ref_dict.get("/TransformMethod") == "/DocMDP" or "/P" in ref_dict.get("/TransformParams", {}):
                    perm = int(ref_dict["/TransformParams"].get("/P", 2))
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
        if perm == 1:
            return name
    return None


def _cert_sig_size(cert):
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return key.key_size // 8
    if isinstance(key, ec.EllipticCurvePublicKey):
        return 2 * ((key.curve.key_size + 7) // 8) + 9
    return 512


def _check_signature_value(cert, signed_attrs_der, value):
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(value, signed_attrs_der, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(value, signed_attrs_der, ec.ECDSA(hashes.SHA256()))
        else:  # pragma: no cover
            return
    except InvalidSignature as e:
        raise RuleError(_lt("The signature value does not match the signer's certificate "
                            "(wrong key or wrong token)."), code="signature_value") from e


# ------------------------------------------------------------------------------------------------ document setup

def set_document_info(pdf_bytes, document_id=None, snapshot_sha256=None):
    """Write ``/HocBaSoDocumentId`` and ``/HocBaSoSnapshotSHA256`` in the Info dictionary (incremental update).

    Must happen before the first signature (so the signatures cover them); refused on a signed document.
    """
    w = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    _write_document_info(w, document_id, snapshot_sha256)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _write_document_info(w, document_id, snapshot_sha256):
    if document_id is None and snapshot_sha256 is None:
        return
    if any(True for _ in fields.enumerate_sig_fields(w.prev, filled_status=True)):
        raise RuleError(_lt("The document information cannot change after the first signature."),
                        code="pdf_already_signed")
    info_ref = w.trailer.raw_get("/Info") if "/Info" in w.trailer else None
    if isinstance(info_ref, generic.IndirectObject):
        info = info_ref.get_object()
    else:
        info = generic.DictionaryObject(dict(info_ref or {}))
        info_ref = w.set_info(info)
    if document_id is not None:
        info[pdf_name(INFO_DOCUMENT_ID)] = generic.TextStringObject(str(document_id))
    if snapshot_sha256 is not None:
        info[pdf_name(INFO_SNAPSHOT_SHA256)] = generic.TextStringObject(str(snapshot_sha256))
    w.mark_update(info_ref)


def add_signature_fields(pdf_bytes, specs, document_id=None, snapshot_sha256=None):
    """Create one empty, visible signature field per expected signer (one incremental revision).

    :param specs: ``[(name, page_index, (x1, y1, x2, y2)), ...]`` in PDF points from the bottom-left corner;
        a 4th item may be a dict of options: ``lock`` (True: signing this field locks the document — the
        school seal), ``label`` (tooltip ``/TU``).
    :param document_id, snapshot_sha256: also written in the Info dictionary (see :func:`set_document_info`).
    """
    w = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    _write_document_info(w, document_id, snapshot_sha256)
    n_pages = int(w.root["/Pages"]["/Count"])
    existing = {name for name, _v, _r in fields.enumerate_sig_fields(w.prev, filled_status=None)}
    for spec in specs:
        name, page, box = spec[0], spec[1], spec[2]
        opts = spec[3] if len(spec) > 3 and spec[3] else {}
        if name in existing:
            raise RuleError(_lt("The signature field %s already exists.", name), code="pdf_field_exists")
        if not -n_pages <= page < n_pages:
            raise RuleError(_lt("The document has no page %s.", page + 1), code="pdf_page")
        lock = opts.get("lock")
        fields.append_signature_field(w, fields.SigFieldSpec(
            sig_field_name=name, on_page=page, box=tuple(box),
            field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.ALL) if lock else None,
            doc_mdp_update_value=fields.MDPPerm.NO_CHANGES if lock else None,
            readable_field_name=opts.get("label"),
        ))
        existing.add(name)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ two-phase signing

@dataclass
class Prepared:
    """A document in its final pre-signing state; ``digest`` is what the backend signs (SHA-256, 32 bytes)."""

    digest: bytes
    field_name: str
    signer_cert: x509.Certificate
    chain: list
    level: str
    pdf: bytes  # the document with the signature placeholder
    byte_range_digest: PreparedByteRangeDigest
    signed_attrs: bytes  # DER of the CMS signed attributes
    timestamp_url: str | None = None
    trust_roots: list = field(default_factory=list)  # asn1crypto, for B-LT / B-LTA
    crls: list = field(default_factory=list)
    ocsps: list = field(default_factory=list)
    allow_fetching: bool = False
    timestamper: object = None  # an in-process TimeStamper (tests); not serialised

    # -- serialisation: prepare and finish may run in different HTTP requests / workers (USB token flow)
    def to_dict(self):
        b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
        return {
            "digest": b64(self.digest), "field_name": self.field_name,
            "signer_cert": b64(self.signer_cert.public_bytes(serialization.Encoding.DER)),
            "chain": [b64(_to_asn1(c).dump()) for c in self.chain], "level": self.level,
            "pdf": b64(self.pdf), "document_digest": b64(self.byte_range_digest.document_digest),
            "reserved_region": [self.byte_range_digest.reserved_region_start,
                                self.byte_range_digest.reserved_region_end],
            "signed_attrs": b64(self.signed_attrs), "timestamp_url": self.timestamp_url,
            "trust_roots": [b64(c.dump()) for c in self.trust_roots],
            "crls": [b64(c) for c in self.crls], "ocsps": [b64(c) for c in self.ocsps],
            "allow_fetching": self.allow_fetching,
        }

    @classmethod
    def from_dict(cls, d):
        ub = base64.b64decode
        start, end = d["reserved_region"]
        return cls(
            digest=ub(d["digest"]), field_name=d["field_name"],
            signer_cert=x509.load_der_x509_certificate(ub(d["signer_cert"])),
            chain=[asn1_x509.Certificate.load(ub(c)) for c in d["chain"]], level=d["level"], pdf=ub(d["pdf"]),
            byte_range_digest=PreparedByteRangeDigest(ub(d["document_digest"]), start, end),
            signed_attrs=ub(d["signed_attrs"]), timestamp_url=d.get("timestamp_url"),
            trust_roots=[asn1_x509.Certificate.load(ub(c)) for c in d.get("trust_roots", [])],
            crls=[ub(c) for c in d.get("crls", [])], ocsps=[ub(c) for c in d.get("ocsps", [])],
            allow_fetching=d.get("allow_fetching", False),
        )


def _level(meta):
    ts = meta.get("timestamper") or meta.get("timestamp_url")
    level = meta.get("level") or ("B-T" if ts else "B-B")
    if level not in LEVELS:
        raise RuleError(_lt("Unknown PAdES level %s.", level), code="pdf_level")
    if level != "B-B" and not ts:
        raise RuleError(_lt("PAdES level %s needs a time-stamping service (TSA URL).", level), code="tsa_required")
    return level


def _stamp_lines(meta, signer_cert, when):
    name = meta.get("name")
    if not name:
        cns = signer_cert.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
        name = cns[0].value if cns else ""
    lines = meta.get("appearance_lines")
    if lines is None:
        local = when.astimezone(dt.timezone(dt.timedelta(hours=7)))  # Vietnam, UTC+7, no DST
        lines = [str(name), str(meta.get("role_label") or meta.get("role") or ""),
                 str(meta.get("reason") or ""), local.strftime("%d/%m/%Y %H:%M:%S +07:00")]
    return [str(x) for x in lines]


async def _prepare(pdf_bytes, field_name, signer_cert, chain, meta):
    level = _level(meta)
    signer_cert = _to_crypto(signer_cert)
    now = dt.datetime.now(UTC)
    if not meta.get("skip_certificate_check"):
        if now < signer_cert.not_valid_before_utc:
            raise RuleError(_lt("The signer's certificate is not valid yet."), code="cert_not_yet_valid")
        if now > signer_cert.not_valid_after_utc:
            raise RuleError(_lt("The signer's certificate has expired."), code="cert_expired")

    w = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    sig_field, sig_field_ref, value = _find_field(w, field_name)
    if sig_field is None:
        raise RuleError(_lt("The document has no signature field %s.", field_name), code="pdf_field_missing")
    if value is not None:
        raise RuleError(_lt("The signature field %s is already signed.", field_name), code="pdf_field_signed")
    locked_by = _existing_lock(w.prev)
    if locked_by:
        raise RuleError(_lt("The document is locked by the signature in field %s.", locked_by), code="pdf_locked")

    lock = bool(meta.get("lock"))
    if lock and "/Lock" not in sig_field:
        # adding /Lock to a field while signing would be an unexpected change for the earlier signatures
        if any(True for _ in fields.enumerate_sig_fields(w.prev, filled_status=True)):
            raise RuleError(_lt("The signature field %s was not created as a locking field "
                                "(add_signature_fields option lock=True).", field_name), code="pdf_lock_field")
        lock_dict = fields.FieldMDPSpec(fields.FieldMDPAction.ALL).as_sig_field_lock()
        lock_dict["/P"] = generic.NumberObject(fields.MDPPerm.NO_CHANGES.value)
        sig_field[pdf_name("/Lock")] = w.add_object(lock_dict)
        w.mark_update(sig_field_ref)

    cert_asn1 = _to_asn1(signer_cert)
    chain_asn1 = to_asn1_list(chain)
    registry = SimpleCertificateStore.from_certs([cert_asn1, *chain_asn1])
    role = meta.get("role")
    claimed = []
    if role:
        claimed.append(cms.AttCertAttribute({
            "type": "role",
            "values": [cms.RoleSyntax({"role_name": {"uniform_resource_identifier": ROLE_URN + str(role)}})],
        }))
    cades = CAdESSignedAttrSpec(
        commitment_type=GenericCommitment.PROOF_OF_APPROVAL.asn1,
        signer_attributes=SignerAttrSpec(claimed_attrs=claimed, certified_attrs=()) if claimed else None,
    )
    contact = meta.get("contact_info") or meta.get("role_label") or role
    sig_meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm=MD, subfilter=fields.SigSeedSubFilter.PADES,
        reason=meta.get("reason") and str(meta["reason"]), location=meta.get("location") and str(meta["location"]),
        name=meta.get("name") and str(meta["name"]), contact_info=contact and str(contact),
        certify=False, docmdp_permissions=fields.MDPPerm.NO_CHANGES if lock else fields.MDPPerm.FILL_FORMS,
        cades_signed_attr_spec=cades,
    )
    sig_size = _cert_sig_size(signer_cert)
    ext = signers.ExternalSigner(cert_asn1, registry, signature_value=bytes(sig_size))
    stamp_style = None
    box = _field_box(sig_field)
    if box and meta.get("appearance", True):
        stamp_style = StaticStampStyle(
            background=_PdfBytesPage(render_appearance(_stamp_lines(meta, signer_cert, now), *box)),
            border_width=0,
        )
    pdf_signer = signers.PdfSigner(sig_meta, signer=ext, stamp_style=stamp_style)
    certs_len = sum(len(c.dump()) for c in [cert_asn1, *chain_asn1])
    reserve = certs_len + sig_size + 2500 + (12000 if level != "B-B" else 0)
    reserve += int(meta.get("extra_reserve", 0))
    prep_digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
        w, existing_fields_only=True, bytes_reserved=2 * reserve,
    )
    signed_attrs = await ext.signed_attrs(
        prep_digest.document_digest, MD,
        attr_settings=PdfCMSSignedAttributes(signing_time=now, cades_signed_attrs=cades), use_pades=True,
    )
    der = signed_attrs.dump()
    return Prepared(
        digest=hashlib.sha256(der).digest(), field_name=field_name, signer_cert=signer_cert,
        chain=chain_asn1, level=level, pdf=output.getvalue(), byte_range_digest=prep_digest, signed_attrs=der,
        timestamp_url=meta.get("timestamp_url"), timestamper=meta.get("timestamper"),
        trust_roots=to_asn1_list(meta.get("trust_roots")), crls=list(meta.get("crls") or []),
        ocsps=list(meta.get("ocsps") or []), allow_fetching=bool(meta.get("allow_fetching")),
    )


def prepare(pdf_bytes, field_name, signer_cert, chain=(), meta=None):
    """Phase 1: put the signature placeholder in ``field_name`` and compute the digest to sign.

    ``meta``: reason, location, name, role (code, e.g. 'principal'), role_label (shown in /ContactInfo and the
    stamp; defaults to role), lock, level ('B-B' | 'B-T' | 'B-LT' | 'B-LTA'), timestamp_url, trust_roots
    (for B-LT / B-LTA validation data), crls / ocsps (DER, embedded in the DSS), allow_fetching, appearance_lines.
    """
    return _run(_prepare(pdf_bytes, field_name, signer_cert, chain, dict(meta or {})))


async def _finish(prepared, signature_value, timestamp_url=None):
    cert = prepared.signer_cert
    _check_signature_value(cert, prepared.signed_attrs, signature_value)
    ts = _timestamper(timestamp_url or prepared.timestamper or prepared.timestamp_url)
    if prepared.level != "B-B" and ts is None:
        raise RuleError(_lt("PAdES level %s needs a time-stamping service (TSA URL).", prepared.level),
                        code="tsa_required")
    cert_asn1 = _to_asn1(cert)
    registry = SimpleCertificateStore.from_certs([cert_asn1, *prepared.chain])
    ext = signers.ExternalSigner(cert_asn1, registry, signature_value=bytes(signature_value))
    signed_attrs = cms.CMSAttributes.load(prepared.signed_attrs)
    sig_cms = await ext.async_sign_prescribed_attributes(MD, signed_attrs, timestamper=ts)
    output = io.BytesIO(prepared.pdf)
    try:
        await PdfTBSDocument.async_finish_signing(output, prepared.byte_range_digest, sig_cms)
    except Exception as e:
        if "Final ByteRange" in str(e) or "larger" in str(e) or "too" in str(e).lower():
            raise RuleError(_lt("The signature does not fit in the space reserved for it."),
                            code="pdf_reserve") from e
        raise
    if prepared.level in ("B-LT", "B-LTA"):
        output = await _add_ltv(output, prepared, ts)
    return output.getvalue()


def _validation_context(prepared):
    return ValidationContext(
        trust_roots=prepared.trust_roots or None, other_certs=list(prepared.chain),
        crls=prepared.crls, ocsps=prepared.ocsps, allow_fetching=prepared.allow_fetching,
        revocation_mode="soft-fail",
    )


async def _add_ltv(output, prepared, ts):
    """B-LT: DSS with the validation data of the new signature; B-LTA: a document time-stamp over it."""
    from pyhanko.sign.validation import dss

    if not prepared.trust_roots:
        raise RuleError(_lt("PAdES level %s needs the trust roots to collect validation data.", prepared.level),
                        code="trust_roots_required")
    output.seek(0)
    reader = PdfFileReader(output)
    sig = next(s for s in reader.embedded_regular_signatures if s.field_name == prepared.field_name)
    result = await dss.async_add_validation_info(
        sig, _validation_context(prepared), add_vri_entry=False, force_write=True,
    )
    if prepared.level == "B-LTA":
        w = IncrementalPdfFileWriter(result)
        result = await signers.PdfTimeStamper(ts).async_timestamp_pdf(
            w, MD, _validation_context(prepared), in_place=True,
        )
    return result


def finish(prepared, signature_value, timestamp_url=None):
    """Phase 2: embed the signature value (and the time-stamp / validation data of the level); return the PDF.

    ``timestamp_url`` overrides the one given to :func:`prepare`; it may also be a pyHanko ``TimeStamper``.
    """
    return _run(_finish(prepared, signature_value, timestamp_url))


def sign_pdf(pdf_bytes, field_name, backend, meta=None):
    """Prepare, let ``backend`` sign the one digest, finish."""
    prepared = prepare(pdf_bytes, field_name, backend.certificate, backend.chain, meta)
    (value,) = backend.sign_digests([prepared.digest])
    return finish(prepared, value)


def sign_many(items, backend):
    """Batch: ``items`` = ``[(pdf_bytes, field_name, meta), ...]`` → signed PDFs in the same order.

    All documents are prepared first, the backend signs every digest in one call (one confirmation), then
    every document is finished.
    """
    items = list(items)
    if not items:
        return []
    prepared = [prepare(pdf, name, backend.certificate, backend.chain, meta) for pdf, name, meta in items]
    values = backend.sign_digests([p.digest for p in prepared])
    if len(values) != len(prepared):
        raise RuleError(_lt("The signing service returned %(got)s signatures for %(expected)s documents.",
                            got=len(values), expected=len(prepared)), code="batch_size")
    return [finish(p, v) for p, v in zip(prepared, values, strict=True)]
