"""Snapshot -> học bạ XML, driven by a versioned schema folder (XSD + XSLT + profile).

The format is configuration (domain.md 4.5): a *schema folder* such as ``data/schemas/1.0/`` holds

- ``profile.json``: version, file names, and per document kind the root / payload / signature-block element
  names and where the document id, the snapshot hash and the declared signer roles are read from;
- the XSD (``profile["xsd"]``), mandatory: validation fails closed when it is missing or unreadable;
- the XSLT 1.0 template (``profile["xslt"]``) turning the generic intermediate XML into the document.

Without ``profile.json`` the folder must hold exactly one ``*.xsd`` and one ``*.xsl``/``*.xslt`` and the 1.0
element names apply. The steps are: Python pre-checks (:func:`check_snapshot`, RuleError listing every
problem), snapshot -> deterministic intermediate XML (:func:`intermediate`), XSLT (lxml), then XSD validation
(:func:`validate`, xmlschema). Rendering the same snapshot twice gives identical bytes.
"""

import datetime as dt
import glob
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.tools.translate import LazyTranslate

from . import snapshot as snapshot_tools

_lt = LazyTranslate(__name__, default_lang="en_US")

__all__ = [
    "DEFAULT_PROFILE",
    "Profile",
    "RuleError",
    "check_snapshot",
    "intermediate",
    "load_profile",
    "parse",
    "render",
    "validate",
]

ROLES = ("subject_teacher", "homeroom_teacher", "principal", "school_seal")
POINTS = ("gk1", "ck1", "gk2", "cn")
SUBJECT_LEVELS = ("t", "h", "c")
COMPETENCY_LEVELS = ("t", "d", "đ", "c")
RESULTS = ("htxs", "htt", "ht", "cht")
COMMENDATIONS = ("xuat_sac", "tieu_bieu")
COMPETENCY_KINDS = ("quality", "general", "specific")
MAX_PROBLEMS = 50


# ---------------------------------------------------------------------------------------------
# Profile (element names of one format version)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentProfile:
    kind: str
    root: str
    payload: str
    signatures: str = "DSCKS"
    document_id: str = ""
    snapshot_sha256: str = ""
    signer_roles: str = ""


@dataclass(frozen=True)
class Profile:
    version: str
    documents: dict = field(default_factory=dict)  # kind -> DocumentProfile
    roles: dict = field(default_factory=dict)  # role -> slot element name
    xsd: str = ""
    xslt: str = ""

    @property
    def role_by_tag(self):
        return {tag: role for role, tag in self.roles.items()}

    def by_root(self, tag):
        for doc in self.documents.values():
            if doc.root == tag:
                return doc
        return None


def _profile_from_dict(data):
    docs = {kind: DocumentProfile(kind=kind, **{k: str(v) for k, v in spec.items()})
            for kind, spec in (data.get("documents") or {}).items()}
    return Profile(version=str(data.get("version") or ""), documents=docs, roles=dict(data.get("roles") or {}),
                   xsd=data.get("xsd") or "", xslt=data.get("xslt") or "")


DEFAULT_PROFILE = _profile_from_dict({
    "version": "1.0",
    "documents": {
        "year_page": {"root": "HocBaSo", "payload": "DLHocBa", "signatures": "DSCKS",
                      "document_id": "TTChung/madinhdanhhocba", "snapshot_sha256": "TTChung/mabamsnapshot",
                      "signer_roles": "DSNguoiKy/NguoiKy/vaitro"},
        "subject_sheet": {"root": "BangTongHopMonHoc", "payload": "DLBangTongHop", "signatures": "DSCKS",
                          "document_id": "TTChung/madinhdanhbangtonghop",
                          "snapshot_sha256": "TTChung/mabamsnapshot",
                          "signer_roles": "DSNguoiKy/NguoiKy/vaitro"},
    },
    "roles": {"subject_teacher": "GVBM", "homeroom_teacher": "GVCN", "principal": "HieuTruong",
              "school_seal": "DonVi"},
})


def _schema_error(code, message):
    return RuleError(message, code=code)


def load_profile(schema_dir):
    """The :class:`Profile` of a schema folder (``profile.json``, else the 1.0 names and the only XSD/XSLT)."""
    if not schema_dir or not os.path.isdir(schema_dir):
        raise _schema_error("schema_missing", _lt("The XML schema folder is missing: %(path)s", path=schema_dir))
    path = os.path.join(schema_dir, "profile.json")
    if os.path.exists(path):
        try:
            with open(path, "rb") as fh:
                profile = _profile_from_dict(json.loads(fh.read().decode("utf-8")))
        except (OSError, ValueError, TypeError) as err:
            raise _schema_error("schema_unreadable", _lt("The XML schema profile %(path)s cannot be read: %(error)s",
                                                         path=path, error=str(err))) from err
        if not profile.documents or not profile.roles:
            raise _schema_error("schema_unreadable", _lt("The XML schema profile %(path)s names no document or role.",
                                                         path=path))
        return profile

    def only(patterns):
        found = sorted({os.path.basename(p) for pat in patterns for p in glob.glob(os.path.join(schema_dir, pat))})
        return found[0] if len(found) == 1 else ""

    return Profile(version=DEFAULT_PROFILE.version, documents=DEFAULT_PROFILE.documents,
                   roles=DEFAULT_PROFILE.roles, xsd=only(["*.xsd"]), xslt=only(["*.xsl", "*.xslt"]))


# ---------------------------------------------------------------------------------------------
# Parsing (shared with xmldsig / xml_verify): no DTD, no entities, no network
# ---------------------------------------------------------------------------------------------

def _parser():
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False, remove_comments=False, remove_pis=False)


def parse(xml_bytes):
    """Parse untrusted XML safely; RuleError('xml_format') when malformed or carrying a DOCTYPE."""
    if not isinstance(xml_bytes, bytes | bytearray) or not xml_bytes:
        raise RuleError(_lt("The XML document is empty."), code="xml_format")
    try:
        tree = etree.fromstring(bytes(xml_bytes), _parser()).getroottree()
    except etree.XMLSyntaxError as err:
        raise RuleError(_lt("The XML document is not well-formed: %(error)s", error=str(err)), code="xml_format") \
            from err
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise RuleError(_lt("The XML document carries a DOCTYPE, which is not allowed."), code="xml_format")
    return tree


# ---------------------------------------------------------------------------------------------
# Compiled XSD / XSLT, cached by file content
# ---------------------------------------------------------------------------------------------

_XSD_CACHE = {}
_XSLT_CACHE = {}


def _read(path, what):
    if not path or not os.path.isfile(path):
        raise _schema_error("schema_missing", _lt("The %(what)s file of the XML schema is missing: %(path)s",
                                                  what=what, path=path))
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as err:
        raise _schema_error("schema_unreadable", _lt("The %(what)s file %(path)s cannot be read: %(error)s",
                                                     what=what, path=path, error=str(err))) from err


def _xsd(schema_dir, profile=None):
    import xmlschema  # heavy import, only when validating

    profile = profile or load_profile(schema_dir)
    path = os.path.join(schema_dir, profile.xsd) if profile.xsd else ""
    data = _read(path, "XSD")
    key = (os.path.abspath(path), hashlib.sha256(data).hexdigest())
    schema = _XSD_CACHE.get(key)
    if schema is None:
        try:
            schema = xmlschema.XMLSchema10(path, defuse="always", allow="sandbox")
        except Exception as err:  # any failure to build the schema must fail closed
            raise _schema_error("schema_unreadable", _lt("The XSD %(path)s cannot be loaded: %(error)s",
                                                         path=path, error=str(err))) from err
        _XSD_CACHE[key] = schema
    return schema


def _xslt(schema_dir, profile):
    path = os.path.join(schema_dir, profile.xslt) if profile.xslt else ""
    data = _read(path, "XSLT")
    key = (os.path.abspath(path), hashlib.sha256(data).hexdigest())
    transform = _XSLT_CACHE.get(key)
    if transform is None:
        try:
            doc = etree.fromstring(data, _parser(), base_url=path)
            transform = etree.XSLT(doc, access_control=etree.XSLTAccessControl.DENY_ALL)
        except (etree.XMLSyntaxError, etree.XSLTParseError) as err:
            raise _schema_error("schema_unreadable", _lt("The XSLT %(path)s cannot be loaded: %(error)s",
                                                         path=path, error=str(err))) from err
        _XSLT_CACHE[key] = transform
    return transform


# ---------------------------------------------------------------------------------------------
# Pre-checks
# ---------------------------------------------------------------------------------------------

_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class _Problems:
    """Collects human-readable problems (lazy translations), each prefixed by where it was found."""

    def __init__(self):
        self.items = []

    def add(self, message):
        self.items.append(message)

    def __bool__(self):
        return bool(self.items)


class _Joined:
    """Lazy join of lazy messages (translated when the outer message is)."""

    def __init__(self, items):
        self.items = items

    def __str__(self):
        lines = [f"- {item}" for item in self.items[:MAX_PROBLEMS]]
        if len(self.items) > MAX_PROBLEMS:
            lines.append(f"- … (+{len(self.items) - MAX_PROBLEMS})")
        return "\n".join(lines)


def _blank(value):
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def _text_problems(value, where, problems):
    if isinstance(value, dict):
        for key, item in value.items():
            _text_problems(item, f"{where}.{key}" if where else str(key), problems)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _text_problems(item, f"{where}[{i + 1}]", problems)
    elif isinstance(value, str) and _BAD_CHARS.search(value):
        problems.add(_lt("%(where)s contains control characters that XML cannot carry.", where=where))
    elif isinstance(value, float) and value != value:  # NaN
        problems.add(_lt("%(where)s is not a number.", where=where))


def _require(data, key, where, problems):
    value = data.get(key) if isinstance(data, dict) else None
    if _blank(value):
        problems.add(_lt("%(where)s is required.", where=f"{where}.{key}" if where else key))
        return None
    return value


def _check_date(value, where, problems, required=True):
    if _blank(value):
        if required:
            problems.add(_lt("%(where)s is required.", where=where))
        return
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        problems.add(_lt("%(where)s must be an ISO date YYYY-MM-DD (got “%(value)s”).", where=where, value=value))
        return
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        problems.add(_lt("%(where)s is not a valid date (got “%(value)s”).", where=where, value=value))


def _check_personal_id(value, where, problems):
    if _blank(value):
        return
    if not isinstance(value, str) or not re.fullmatch(r"\d{12}", value):
        problems.add(_lt("%(where)s: the personal ID must have exactly 12 digits (got “%(value)s”).",
                         where=where, value=value))


def _check_levels(levels, scale, where, problems):
    if levels in (None, False):
        return
    if not isinstance(levels, dict):
        problems.add(_lt("%(where)s must be a mapping of assessment points to levels.", where=where))
        return
    allowed = SUBJECT_LEVELS if scale == "subject" else COMPETENCY_LEVELS
    for point, level in levels.items():
        if point not in POINTS:
            problems.add(_lt("%(where)s: unknown assessment point “%(point)s” (use gk1, ck1, gk2, cn).",
                             where=where, point=point))
        elif not _blank(level) and (not isinstance(level, str) or level.strip().lower() not in allowed):
            if scale == "subject":
                problems.add(_lt("%(where)s.%(point)s: “%(value)s” is not a subject level (T, H or C).",
                                 where=where, point=point, value=level))
            else:
                problems.add(_lt("%(where)s.%(point)s: “%(value)s” is not a quality/competency level (T, Đ or C).",
                                 where=where, point=point, value=level))


def _check_scores(scores, where, problems):
    if scores in (None, False):
        return
    if not isinstance(scores, dict):
        problems.add(_lt("%(where)s must be a mapping of assessment points to scores.", where=where))
        return
    for point, score in scores.items():
        if point not in POINTS:
            problems.add(_lt("%(where)s: unknown assessment point “%(point)s” (use gk1, ck1, gk2, cn).",
                             where=where, point=point))
        elif score is None:
            continue
        elif isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            problems.add(_lt("%(where)s.%(point)s: a test score must be a whole number from 0 to 10 (got “%(value)s”).",
                             where=where, point=point, value=score))


def _check_code(value, allowed, where, problems, label):
    if _blank(value):
        return
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        problems.add(_lt("%(where)s: “%(value)s” is not a valid %(label)s (use %(allowed)s).", where=where,
                         value=value, label=label, allowed=", ".join(allowed)))


def _check_common(snap, problems):
    if _blank(snap.get("schema_version")):
        problems.add(_lt("%(where)s is required.", where="schema_version"))
    _require(snap, "document_id", "", problems)
    version = snap.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.add(_lt("version must be a whole number from 1 (got “%(value)s”).", value=version))
    school = snap.get("school")
    if not isinstance(school, dict):
        problems.add(_lt("%(where)s is required.", where="school"))
    else:
        _require(school, "name", "school", problems)
        _require(school, "code", "school", problems)
    year = snap.get("school_year")
    match = _SCHOOL_YEAR.match(year) if isinstance(year, str) else None
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        problems.add(_lt("school_year must look like 2024-2025 (got “%(value)s”).", value=year))
    klass = snap.get("class")
    if not isinstance(klass, dict):
        problems.add(_lt("%(where)s is required.", where="class"))
    else:
        _require(klass, "name", "class", problems)
        grade = klass.get("grade")
        if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 5:
            problems.add(_lt("class.grade must be a whole number from 1 to 5 (got “%(value)s”).", value=grade))
    _check_date(snap.get("date"), "date", problems)
    signers = snap.get("signers")
    if not isinstance(signers, list) or not signers:
        problems.add(_lt("The document declares no signer (signers)."))
        return
    for i, signer in enumerate(signers, 1):
        where = f"signers[{i}]"
        if not isinstance(signer, dict):
            problems.add(_lt("%(where)s must be a mapping.", where=where))
            continue
        if signer.get("role") not in ROLES:
            problems.add(_lt("%(where)s.role: “%(value)s” is not a signer role (%(allowed)s).", where=where,
                             value=signer.get("role"), allowed=", ".join(ROLES)))
        _require(signer, "name", where, problems)


def _check_year_page(snap, problems):
    student = snap.get("student")
    if not isinstance(student, dict):
        problems.add(_lt("%(where)s is required.", where="student"))
    else:
        _require(student, "code", "student", problems)
        _require(student, "full_name", "student", problems)
        _check_date(student.get("birthdate"), "student.birthdate", problems)
        _check_personal_id(student.get("personal_id"), "student.personal_id", problems)
        if student.get("sex_code") not in (0, 1, 2) or isinstance(student.get("sex_code"), bool):
            problems.add(_lt("student.sex_code must be 0, 1 or 2 (got “%(value)s”).", value=student.get("sex_code")))
    for i, subject in enumerate(snap.get("subjects") or [], 1):
        where = f"subjects[{i}]"
        if not isinstance(subject, dict):
            problems.add(_lt("%(where)s must be a mapping.", where=where))
            continue
        where = f"subjects[{subject.get('code') or i}]"
        _require(subject, "code", where, problems)
        _require(subject, "name", where, problems)
        _check_levels(subject.get("levels"), "subject", f"{where}.levels", problems)
        _check_scores(subject.get("scores"), f"{where}.scores", problems)
    for i, comp in enumerate(snap.get("competencies") or [], 1):
        where = f"competencies[{i}]"
        if not isinstance(comp, dict):
            problems.add(_lt("%(where)s must be a mapping.", where=where))
            continue
        where = f"competencies[{comp.get('code') or i}]"
        _require(comp, "code", where, problems)
        _require(comp, "name", where, problems)
        _check_code(comp.get("kind"), COMPETENCY_KINDS, f"{where}.kind", problems, "kind")
        if _blank(comp.get("kind")):
            problems.add(_lt("%(where)s is required.", where=f"{where}.kind"))
        _check_levels(comp.get("levels"), "competency", f"{where}.levels", problems)
    for key in ("result", "reassessment_result", "final_result"):
        _check_code(snap.get(key), RESULTS, key, problems, "year-end result")
    _check_code(snap.get("commendation"), COMMENDATIONS, "commendation", problems, "commendation")
    for key in ("completed_grade", "completed_primary", "promoted"):
        if snap.get(key) not in (None, True, False):
            problems.add(_lt("%(where)s must be true or false (got “%(value)s”).", where=key, value=snap.get(key)))
    for i, sheet in enumerate(snap.get("subject_sheets") or [], 1):
        where = f"subject_sheets[{i}]"
        if not isinstance(sheet, dict):
            problems.add(_lt("%(where)s must be a mapping.", where=where))
            continue
        _require(sheet, "subject", where, problems)
        _require(sheet, "document_id", where, problems)
        if not isinstance(sheet.get("sha256"), str) or not _SHA256.match(sheet["sha256"]):
            problems.add(_lt("%(where)s.sha256 must be a lower-case hex SHA-256 (got “%(value)s”).",
                             where=where, value=sheet.get("sha256")))


def _check_subject_sheet(snap, problems):
    subject = snap.get("subject")
    if not isinstance(subject, dict):
        problems.add(_lt("%(where)s is required.", where="subject"))
    else:
        _require(subject, "code", "subject", problems)
        _require(subject, "name", "subject", problems)
    for i, row in enumerate(snap.get("rows") or [], 1):
        where = f"rows[{i}]"
        if not isinstance(row, dict):
            problems.add(_lt("%(where)s must be a mapping.", where=where))
            continue
        where = f"rows[{row.get('student_code') or i}]"
        _require(row, "student_code", where, problems)
        _require(row, "full_name", where, problems)
        _check_personal_id(row.get("personal_id"), f"{where}.personal_id", problems)
        _check_levels(row.get("levels"), "subject", f"{where}.levels", problems)
        _check_scores(row.get("scores"), f"{where}.scores", problems)
    for i, signer in enumerate(snap.get("signers") or [], 1):
        if isinstance(signer, dict) and signer.get("role") not in (None, "subject_teacher"):
            problems.add(_lt("signers[%(i)s]: a subject sheet is signed by the subject teacher only.", i=i))


def check_snapshot(snapshot):
    """Raise RuleError('xml_precheck') listing every problem of ``snapshot``; ``error.problems`` keeps them."""
    problems = _Problems()
    if not isinstance(snapshot, dict):
        problems.add(_lt("The snapshot must be a mapping."))
    else:
        _text_problems(snapshot, "", problems)
        kind = snapshot.get("kind")
        if kind not in ("year_page", "subject_sheet"):
            problems.add(_lt("kind must be year_page or subject_sheet (got “%(value)s”).", value=kind))
        else:
            _check_common(snapshot, problems)
            (_check_year_page if kind == "year_page" else _check_subject_sheet)(snapshot, problems)
    if problems:
        error = RuleError(_lt("The XML document cannot be produced:\n%(problems)s",
                              problems=_Joined(problems.items)), code="xml_precheck")
        error.problems = problems.items
        raise error


# ---------------------------------------------------------------------------------------------
# Intermediate XML and rendering
# ---------------------------------------------------------------------------------------------

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _fill(element, value):
    if isinstance(value, Mapping):
        for key in sorted(value, key=str):
            key_s = str(key)
            if _NAME.match(key_s) and not key_s.lower().startswith("xml"):
                child = etree.SubElement(element, key_s)
            else:
                child = etree.SubElement(element, "entry", key=key_s)
            _fill(child, value[key])
    elif isinstance(value, list | tuple):
        element.set("t", "list")
        for item in value:
            _fill(etree.SubElement(element, "item"), item)
    elif value is None:
        element.set("t", "null")
    elif isinstance(value, bool):
        element.set("t", "bool")
        element.text = "1" if value else "0"
    elif isinstance(value, int):
        element.set("t", "int")
        element.text = str(value)
    elif isinstance(value, float):
        element.set("t", "number")
        element.text = str(int(value)) if value.is_integer() else repr(value)
    else:
        element.text = str(value)


def intermediate(snapshot):
    """The generic, deterministic XML form of a snapshot dict (root ``<snapshot>``), as an lxml tree."""
    root = etree.Element("snapshot")
    _fill(root, snapshot)
    return etree.ElementTree(root)


def render(snapshot, schema_dir):
    """Pre-check ``snapshot``, transform it with the folder's XSLT and validate it; returns UTF-8 bytes."""
    check_snapshot(snapshot)
    profile = load_profile(schema_dir)
    transform = _xslt(schema_dir, profile)
    sha = snapshot_tools.sha256(snapshot)
    try:
        result = transform(intermediate(snapshot), snapshot_sha256=etree.XSLT.strparam(sha))
    except etree.XSLTApplyError as err:
        messages = "; ".join(str(e.message) for e in transform.error_log) or str(err)
        raise RuleError(_lt("The XML template failed: %(error)s", error=messages), code="xml_template") from err
    if result.getroot() is None:
        raise RuleError(_lt("The XML template produced no document."), code="xml_template")
    xml_bytes = bytes(result)
    validate(xml_bytes, schema_dir)
    return xml_bytes


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

def schema_errors(xml_bytes, schema_dir):
    """List of human-readable XSD errors ('' path prefix); raises RuleError when the schema is unusable."""
    schema = _xsd(schema_dir)
    tree = parse(xml_bytes)
    errors = []
    try:
        for err in schema.iter_errors(tree):
            where = err.path or ""
            reason = err.reason or err.message
            errors.append(f"{where}: {reason}" if where else str(reason))
            if len(errors) >= MAX_PROBLEMS:
                break
    except Exception as err:  # validator crash: fail closed
        errors.append(f"validator error: {err}")
    return errors


def validate(xml_bytes, schema_dir):
    """Validate against the folder's XSD; RuleError('xml_schema') listing the errors. Fails closed."""
    errors = schema_errors(xml_bytes, schema_dir)
    if errors:
        error = RuleError(_lt("The XML document does not match its schema:\n%(errors)s",
                              errors="\n".join(f"- {e}" for e in errors)), code="xml_schema")
        error.problems = errors
        raise error
