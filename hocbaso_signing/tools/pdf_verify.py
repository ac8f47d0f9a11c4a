"""Verification of signed transcript PDFs (pyHanko), result in the contract's format.

``verify(pdf_bytes, trust_roots)`` →
``{'valid', 'kind': 'pdf', 'checks': [{'code', 'ok', 'message'}], 'signatures': [...], 'timestamps': [...],
'document_id', 'snapshot_sha256'}`` with the check codes format, signatures_present, signature_intact,
chain_trusted, signing_time_valid, revocation, pdf_modifications, pdf_coverage.

* ``signature_intact``: the ``/ByteRange`` digest matches and the CMS signature value verifies (every
  signature, signature time-stamp and document time-stamp).
* ``chain_trusted``: a path from each signer (and TSA) certificate to one of ``trust_roots``, at ``at``
  (default: now); no fetching of anything from the network.
* ``signing_time_valid``: the signing time (time-stamp time when there is one, else ``/M``) lies inside the
  validity period of the signer's certificate.
* ``revocation``: only with ``revocation=True``, from the CRLs / OCSP responses embedded in the document (DSS)
  and the ``crls`` / ``ocsps`` given; a certificate with no revocation data is reported "not checked".
* ``pdf_modifications``: pyHanko's difference analysis: every revision after a signature may only fill
  forms, add signatures, DSS data or document time-stamps, and must respect the signature's DocMDP lock.
* ``pdf_coverage``: the last signature (or document time-stamp) covers the whole file — or only DSS /
  time-stamp updates follow it —, the earlier ones cover their whole revision.
"""

import asyncio
import datetime as dt
import io
import logging

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import pdf_embedded
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import RevokedError

from odoo.tools.translate import LazyTranslate

from .pdf_sign import INFO_DOCUMENT_ID, INFO_SNAPSHOT_SHA256, ROLE_URN, to_asn1_list

_lt = LazyTranslate(__name__, default_lang="en_US")
_logger = logging.getLogger(__name__)

UTC = dt.UTC
CODES = ("format", "signatures_present", "signature_intact", "chain_trusted", "signing_time_valid",
         "revocation", "pdf_modifications", "pdf_coverage")


class _Checks:
    def __init__(self):
        self.items = {}

    def set(self, code, ok, message):
        self.items[code] = {"code": code, "ok": bool(ok), "message": str(message)}

    def as_list(self):
        return [self.items[c] for c in CODES if c in self.items]


def _name_attr(name, attr):
    try:
        return name.native.get(attr)
    except (AttributeError, ValueError):
        return None


def _cert_summary(cert):
    return {
        "signer": _name_attr(cert.subject, "common_name") or cert.subject.human_friendly,
        "serial": format(cert.serial_number, "x"),
        "issuer": _name_attr(cert.issuer, "common_name") or cert.issuer.human_friendly,
    }


def _claimed_role(signer_info):
    """The role code from our CAdES signer-attributes-v2 claimed role (``urn:hocbaso:role:<code>``)."""
    try:
        for attr in signer_info["signed_attrs"]:
            if attr["type"].native != "signer_attributes_v2":
                continue
            for value in attr["values"]:
                for claimed in value["claimed_attributes"] or ():
                    if claimed["type"].native != "role":
                        continue
                    for role in claimed["values"]:
                        uri = role["role_name"].native
                        if isinstance(uri, str) and uri.startswith(ROLE_URN):
                            return uri[len(ROLE_URN):]
    except (KeyError, ValueError, TypeError):
        return None
    return None


def _read_info(reader, revision=None):
    try:
        if revision is None:
            info = reader.trailer["/Info"]
        else:
            hist = reader.get_historical_resolver(revision)
            info_ref = hist.trailer_view.raw_get("/Info")
            info = hist.get_object(info_ref.reference) if isinstance(info_ref, generic.IndirectObject) \
                else info_ref
        doc_id = info.get(INFO_DOCUMENT_ID)
        snap = info.get(INFO_SNAPSHOT_SHA256)
        return (str(doc_id) if doc_id is not None else None, str(snap) if snap is not None else None)
    except Exception:
        return None, None


def _iso(when):
    return when.astimezone(UTC).isoformat() if when else None


def _load_revinfo(reader, crls, ocsps):
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:
        return list(crls or []), list(ocsps or []), []
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp

    crls = list(crls or []) + [asn1_crl.CertificateList.load(r.get_object().data) for r in dss.crls]
    ocsps = list(ocsps or []) + [asn1_ocsp.OCSPResponse.load(r.get_object().data) for r in dss.ocsps]
    return crls, ocsps, list(dss.load_certs())


async def _verify(pdf_bytes, trust_roots, at, revocation, crls, ocsps):
    checks = _Checks()
    result = {"valid": False, "kind": "pdf", "checks": [], "signatures": [], "timestamps": [],
              "document_id": None, "snapshot_sha256": None}

    # ---- format
    try:
        if not pdf_bytes or not bytes(pdf_bytes[:1024]).lstrip().startswith(b"%PDF-"):
            raise ValueError("not a PDF file")
        reader = PdfFileReader(io.BytesIO(pdf_bytes))
        _ = reader.root["/Pages"]
        sig_fields = list(fields.enumerate_sig_fields(reader, filled_status=True))
    except Exception as e:
        checks.set("format", False, _lt("The file is not a readable PDF document: %s", str(e)[:200]))
        result["checks"] = checks.as_list()
        return result
    checks.set("format", True, _lt("The file is a readable PDF document."))

    embedded, unreadable = [], []
    for fq_name, _value, sig_field in sig_fields:
        try:
            embedded.append(pdf_embedded.EmbeddedPdfSignature(reader, sig_field, fq_name))
        except Exception as e:
            unreadable.append(_lt("%(field)s: the signature cannot be read (%(why)s).", field=fq_name,
                                  why=str(e)[:150]))
    embedded.sort(key=lambda emb: emb.signed_revision)
    regular = [s for s in embedded if s.sig_object_type == "/Sig"]
    doc_ts = [s for s in embedded if s.sig_object_type == "/DocTimeStamp"]
    first_rev = min((s.signed_revision for s in regular), default=None)
    result["document_id"], result["snapshot_sha256"] = _read_info(reader, first_rev)
    if not regular and not unreadable:
        checks.set("signatures_present", False, _lt("The document has no signature."))
        result["checks"] = checks.as_list()
        return result
    checks.set("signatures_present", True, _lt("The document has %s signature(s).", len(regular) + len(unreadable)))

    roots = to_asn1_list(trust_roots)
    moment = at.astimezone(UTC) if at else None
    vc_kwargs = {"trust_roots": roots, "allow_fetching": False, "moment": moment}
    rev_kwargs = None
    if revocation:
        crls, ocsps, revinfo_certs = _load_revinfo(reader, crls, ocsps)
        if crls or ocsps:
            # 'require': use the CRLs / OCSP responses at hand even for certificates without distribution points
            rev_kwargs = dict(vc_kwargs, crls=crls, ocsps=ocsps, other_certs=revinfo_certs,
                              revocation_mode="require")

    def new_vc():
        return ValidationContext(**vc_kwargs)

    problems = {c: [] for c in ("signature_intact", "chain_trusted", "signing_time_valid", "revocation",
                                "pdf_modifications", "pdf_coverage")}
    problems["signature_intact"].extend(unreadable)
    revocation_checked = 0
    statuses = []  # (embedded sig, status or None)

    for sig in regular:
        label = sig.field_name
        entry = {"field": label, "role": _claimed_role(sig.signer_info), "signer": None, "serial": None,
                 "issuer": None, "signing_time": None, "intact": False, "trusted": False, "ok": False}
        result["signatures"].append(entry)
        try:
            cert = sig.signer_cert
            entry.update(_cert_summary(cert))
        except Exception:
            cert = None
        try:
            status = await pdf_embedded.async_validate_pdf_signature(sig, new_vc(), ts_validation_context=new_vc())
        except Exception as e:
            problems["signature_intact"].append(f"{label}: {e}"[:300])
            statuses.append((sig, None))
            continue
        statuses.append((sig, status))
        ts = status.timestamp_validity
        intact = status.intact and status.valid and (ts is None or (ts.intact and ts.valid))
        trusted = intact and status.trusted and (ts is None or ts.trusted)
        entry["intact"], entry["trusted"] = bool(intact), bool(trusted)
        if not (status.intact and status.valid):
            problems["signature_intact"].append(
                _lt("%s: the signed content or the signature value does not match.", label))
        elif ts is not None and not (ts.intact and ts.valid):
            problems["signature_intact"].append(_lt("%s: the signature time-stamp is broken.", label))
        if status.intact and status.valid and not status.trusted:
            if status.revoked:
                problems["revocation"].append(_lt("%s: the signer's certificate is revoked.", label))
            problems["chain_trusted"].append(
                _lt("%(field)s: the signer's certificate is not trusted (%(why)s).", field=label,
                    why=str(status.trust_problem_indic or "no path to a trusted root")))
        elif ts is not None and ts.intact and ts.valid and not ts.trusted:
            problems["chain_trusted"].append(_lt("%s: the time-stamping authority is not trusted.", label))

        when = ts.timestamp if (ts is not None and ts.intact and ts.valid) else status.signer_reported_dt
        entry["signing_time"] = _iso(when)
        if cert is not None:
            nb, na = cert["tbs_certificate"]["validity"]["not_before"].native, \
                cert["tbs_certificate"]["validity"]["not_after"].native
            if when is None:
                problems["signing_time_valid"].append(_lt("%s: the signature has no signing time.", label))
            elif not nb <= when <= na:
                problems["signing_time_valid"].append(
                    _lt("%(field)s: signed at %(when)s, outside the certificate's validity (%(nb)s – %(na)s).",
                        field=label, when=_iso(when), nb=_iso(nb), na=_iso(na)))
        if rev_kwargs and cert is not None and not status.revoked:
            revocation_checked += await _check_revocation(cert, sig, ValidationContext(**rev_kwargs), label,
                                                          problems)
        entry["ok"] = bool(trusted)

    for sig in doc_ts:
        label = sig.field_name
        entry = {"field": label, "signer": None, "time": None, "intact": False, "trusted": False}
        result["timestamps"].append(entry)
        try:
            status = await pdf_embedded.async_validate_pdf_timestamp(sig, new_vc())
        except Exception as e:
            problems["signature_intact"].append(f"{label}: {e}"[:300])
            statuses.append((sig, None))
            continue
        statuses.append((sig, status))
        entry.update(signer=_cert_summary(status.signing_cert)["signer"], time=_iso(status.timestamp),
                     intact=bool(status.intact and status.valid), trusted=bool(status.trusted))
        if not (status.intact and status.valid):
            problems["signature_intact"].append(_lt("%s: the document time-stamp is broken.", label))
        elif not status.trusted:
            problems["chain_trusted"].append(_lt("%s: the time-stamping authority is not trusted.", label))

    # ---- modifications and coverage
    ordered = sorted(statuses, key=lambda item: item[0].signed_revision)
    for i, (sig, status) in enumerate(ordered):
        label, last = sig.field_name, i == len(ordered) - 1
        if status is None:
            problems["pdf_coverage"].append(_lt("%s: the signature could not be evaluated.", label))
            continue
        diff = status.diff_result
        level = status.modification_level
        if isinstance(diff, SuspiciousModification) or level is None or level > ModificationLevel.FORM_FILLING:
            why = str(diff) if isinstance(diff, SuspiciousModification) else str(level)
            problems["pdf_modifications"].append(
                _lt("%(field)s: the document was changed after this signature (%(why)s).", field=label,
                    why=why[:200]))
        elif status.docmdp_ok is False:
            problems["pdf_modifications"].append(
                _lt("%s: the document was changed after this signature although it locks the document.", label))
        coverage = status.coverage
        if last:
            ok = coverage == SignatureCoverageLevel.ENTIRE_FILE or (
                coverage == SignatureCoverageLevel.ENTIRE_REVISION and level is not None
                and level <= ModificationLevel.LTA_UPDATES)
            if not ok:
                problems["pdf_coverage"].append(
                    _lt("%s: the last signature does not cover the whole file.", label))
        elif coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
            problems["pdf_coverage"].append(_lt("%s: the signature does not cover its whole revision.", label))

    current = _read_info(reader)
    if (result["document_id"], result["snapshot_sha256"]) != current:
        problems["pdf_modifications"].append(
            _lt("The document identifier or snapshot hash was changed after the first signature."))

    # ---- summary
    messages_ok = {
        "signature_intact": _lt("Every signature is intact."),
        "chain_trusted": _lt("Every signer's certificate chains to a trusted root."),
        "signing_time_valid": _lt("Every signature was made while its certificate was valid."),
        "pdf_modifications": _lt("No change after the signatures other than signing and validation data."),
        "pdf_coverage": _lt("The last signature covers the whole file."),
    }
    for code, text in messages_ok.items():
        items = problems[code]
        checks.set(code, not items, "; ".join(str(x) for x in items) if items else text)
    if not revocation:
        checks.set("revocation", True, _lt("Revocation not checked."))
    elif problems["revocation"]:
        checks.set("revocation", False, "; ".join(str(x) for x in problems["revocation"]))
    elif revocation_checked:
        checks.set("revocation", True, _lt("No certificate is revoked (%s checked).", revocation_checked))
    else:
        checks.set("revocation", True, _lt("Revocation not checked: the document carries no revocation data."))

    result["checks"] = checks.as_list()
    result["valid"] = all(c["ok"] for c in result["checks"])
    return result


async def _check_revocation(cert, sig, vc, label, problems):
    """Return 1 when revocation data for the signer was found and says "good"; record revoked certificates."""
    try:
        validator = CertificateValidator(cert, intermediate_certs=list(sig.other_embedded_certs),
                                         validation_context=vc)
        await validator.async_validate_usage(set())
    except RevokedError as e:
        problems["revocation"].append(_lt("%(field)s: %(why)s", field=label, why=str(e)[:200]))
        return 0
    except Exception:
        return 0
    return 1


def verify(pdf_bytes, trust_roots, at=None, revocation=False, crls=None, ocsps=None):
    """Verify every signature of ``pdf_bytes`` against ``trust_roots`` (certificates or a PEM bundle).

    :param at: validation time (aware datetime); default now.
    :param revocation: check revocation with the data embedded in the document (and ``crls`` / ``ocsps``).
    """
    if isinstance(trust_roots, asn1_x509.Certificate):
        trust_roots = [trust_roots]
    return asyncio.run(_verify(pdf_bytes, trust_roots, at, revocation, crls, ocsps))
