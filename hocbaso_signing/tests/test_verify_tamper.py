"""Tamper corpus of the RPC verifier: hostile PDFs and XMLs, built in code from one signed transcript.

Each file goes through ``hocbaso.verifier.verify_file`` (file checks and database checks) and must be rejected
with the RIGHT check failing. The plain-Python corpora (tests/signing/test_pdf_tamper.py, xml_tamper/corpus.py)
exercise the verifiers themselves; this one exercises what a parent or an employer actually calls.
"""

import base64
import copy
import datetime as dt
import io
import re
from unittest.mock import patch

from lxml import etree
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools import pdf_sign, pki, xmldsig
from ..tools.backends.key import KeyBackend
from .common import SigningCase

UTC = dt.UTC
DS = xmldsig.DS
NS = xmldsig.NS
# (role, PDF field / XML slot) in cascade order; the school seal locks the PDF
CASCADE = (("homeroom_teacher", "GVCN"), ("principal", "HieuTruong"), ("school_seal", "DonVi"))
# checks that must still pass: the RIGHT defence caught the tampering, not a side effect
MUST_PASS = {
    ("pdf", "changed_byte_in_signed_range"): {"format", "chain_trusted", "pdf_modifications", "snapshot_hash"},
    ("pdf", "revision_adding_page_content"): {"signature_intact", "chain_trusted", "snapshot_hash"},
    ("pdf", "untrusted_ca"): {"signature_intact", "pdf_modifications", "pdf_coverage", "snapshot_hash"},
    ("pdf", "wrong_key"): {"format", "pdf_modifications", "snapshot_hash"},
    ("pdf", "document_not_issued_here"): {"signature_intact", "chain_trusted", "pdf_modifications", "pdf_coverage"},
    ("xml", "score_changed"): {"format", "chain_trusted", "xml_coverage", "snapshot_hash"},
    ("xml", "wrong_key"): {"chain_trusted", "xml_coverage", "snapshot_hash"},
    ("xml", "expired_certificate"): {"signature_intact", "signing_time_valid", "xml_coverage"},
    ("xml", "untrusted_ca"): {"signature_intact", "xml_coverage"},
    ("xml", "duplicate_id_wrapping"): {"format", "schema", "snapshot_hash"},
    ("xml", "schema_invalid_extra_element"): {"signature_intact", "chain_trusted", "xml_coverage", "snapshot_hash"},
    ("xml", "document_not_issued_here"): {"schema", "signature_intact", "chain_trusted", "xml_coverage"},
}
# pyHanko logs a warning for every hostile revision and untrusted path it meets: expected here
PYHANKO_LOGGERS = ("pyhanko.sign.diff_analysis.policies", "pyhanko.sign.validation.generic_cms")


def LocalBackend(issued, key=None):
    """The engine's in-memory key backend for a test certificate (optionally with another key)."""
    return KeyBackend(key or issued.key, issued.cert, issued.chain)


def _writer(pdf):
    return IncrementalPdfFileWriter(io.BytesIO(pdf))


def _out(w):
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _page(w):
    ref = w.root["/Pages"]["/Kids"].raw_get(0)
    return ref, ref.get_object()


def _unsigned_revision(pdf):
    """The rendition as it was before the first signature: the last revision with empty signature fields."""
    for m in reversed(list(re.finditer(rb"%%EOF\r?\n?", pdf))):
        prefix = pdf[:m.end()]
        try:
            reader = PdfFileReader(io.BytesIO(prefix))
            filled = list(fields.enumerate_sig_fields(reader, filled_status=True))
            declared = list(fields.enumerate_sig_fields(reader, filled_status=None))
        except Exception:  # a prefix that is not a complete revision
            continue
        if declared and not filled:
            return prefix
    raise AssertionError("no unsigned revision found in the signed PDF")


def _pdf_meta(role):
    return {"role": role, "reason": f"{role} ký xác nhận", "location": "Hải Phòng", "lock": role == "school_seal"}


# ------------------------------------------------------------------------------------------------ XML helpers

def _tree(xml):
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True)).getroottree()


def _bytes(tree):
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _signature(tree, slot):
    return tree.getroot().find(f"DSCKS/{slot}/ds:Signature", NS)


def _strip(xml, slots=None):
    """The document with the signatures of ``slots`` (default: all) removed, their slots left empty."""
    tree = _tree(xml)
    for slot in tree.getroot().find("DSCKS"):
        if slots is None or slot.tag in slots:
            for child in list(slot):
                slot.remove(child)
    return _bytes(tree)


@tagged("post_install", "-at_install")
class TestVerifyTamper(SigningCase):
    """≥ 10 hostile PDFs and ≥ 10 hostile XMLs, each rejected by ``verify_file`` with the expected check failing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rogue_ca = pki.make_ca("Test CA")  # same name as the trust root, other key
        cls.stranger = pki.issue(cls.rogue_ca, "Người Lạ")
        now = dt.datetime.now(UTC)
        cls.expired = pki.issue(cls.ca, "Giáo viên Hết Hạn", not_before=now - dt.timedelta(days=800), days=365)
        cls.other_key = pki.new_key()

    # -------------------------------------------------------------------------------------------- helpers
    def issued(self, key):
        return self.keys[self.certs[key].id]

    def local(self, key):
        return LocalBackend(self.issued(key))

    def verify(self, filename, data):
        return self.env["hocbaso.verifier"].verify_file(filename, base64.b64encode(data).decode())

    def assert_rejected(self, name, report, code):
        checks = {c["code"]: c for c in report["checks"]}
        self.assertIs(report["valid"], False, f"{name}: accepted; {report['checks']}")
        self.assertIn(code, checks, f"{name}: no {code} check; {report['checks']}")
        self.assertIs(checks[code]["ok"], False, f"{name}: {code} passed; {report['checks']}")
        self.assertTrue(checks[code]["message"], f"{name}: {code} has no message")

    def _cascade_pdf(self, pdf, backends):
        """Sign the remaining fields in cascade order; ``backends``: {role: backend}."""
        for role, field in CASCADE:
            if role in backends:
                pdf = pdf_sign.sign_pdf(pdf, field, backends[role], _pdf_meta(role))
        return pdf

    def _cascade_xml(self, xml, backends, signing_time=None):
        for role, _slot in CASCADE:
            if role in backends:
                xml = xmldsig.sign(xml, role, backends[role], signing_time=signing_time)
        return xml

    # -------------------------------------------------------------------------------------------- PDF corpus
    def _pdf_corpus(self, t, clean):
        """[(name, hostile bytes, check code that must fail)]."""
        unsigned = _unsigned_revision(clean)
        real = {"principal": self.local("principal"), "school_seal": self.local("seal")}
        cases = []

        # one byte of the /Title of the first revision (covered by every signature) changed in place
        self.assertIn(b"/Title (", clean)
        i = clean.index(b"/Title (") + len(b"/Title (")
        cases.append(("changed_byte_in_signed_range", clean[:i] + (b"X" if clean[i:i + 1] != b"X" else b"Y")
                      + clean[i + 1:], "signature_intact"))

        cases.append(("truncated_file", clean[: len(clean) * 2 // 3], "format"))

        w = _writer(clean)
        page_ref, page = _page(w)
        extra = w.add_object(generic.StreamObject(stream_data=b"BT /F1 20 Tf 72 700 Td (Xuat sac) Tj ET"))
        old = page.raw_get("/Contents")
        page["/Contents"] = generic.ArrayObject([*(old if isinstance(old, generic.ArrayObject) else [old]), extra])
        w.mark_update(page_ref)
        cases.append(("revision_adding_page_content", _out(w), "pdf_modifications"))

        w = _writer(clean)
        page_ref, page = _page(w)
        annot = w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Text"),
            pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(x) for x in (100, 500, 120, 520)]),
            pdf_name("/Contents"): generic.TextStringObject("Điểm Toán sửa thành 10"),
        }))
        annots = page.raw_get("/Annots") if "/Annots" in page else None
        if isinstance(annots, generic.IndirectObject):  # the rendition's (empty) annotation array
            annots.get_object().append(annot)
            w.mark_update(annots)
        else:
            page["/Annots"] = generic.ArrayObject([*(annots or ()), annot])
            w.mark_update(page_ref)
        cases.append(("annotation_after_lock", _out(w), "pdf_modifications"))

        m = list(re.finditer(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", clean))[-1]
        a, b, c, d = (int(x) for x in m.groups())
        new = f"/ByteRange [{a} {b} {c} {d - 10}]".encode()
        new += b" " * (len(m.group(0)) - len(new))
        cases.append(("byte_range_altered", clean[:m.start()] + new + clean[m.end():], "signature_intact"))

        m = list(re.finditer(rb"/Contents <([0-9a-fA-F]+)>", clean))[-1]
        start, end = m.span(1)
        cases.append(("signature_contents_zeroed", clean[:start] + b"0" * (end - start) + clean[end:],
                      "signature_intact"))

        w = _writer(clean)
        sig_field, field_ref, _value = pdf_sign._find_field(w, "DonVi")
        del sig_field["/V"]
        w.mark_update(field_ref)
        cases.append(("removed_signature", _out(w), "pdf_modifications"))

        w = _writer(clean)
        info_ref = w.trailer.raw_get("/Info")
        info_ref.get_object()[pdf_name(pdf_sign.INFO_DOCUMENT_ID)] = generic.TextStringObject("HBS-9999-FAKE")
        w.mark_update(info_ref)
        cases.append(("document_id_changed_in_new_revision", _out(w), "pdf_modifications"))

        untrusted = self._cascade_pdf(unsigned, dict(real, homeroom_teacher=LocalBackend(self.stranger)))
        cases.append(("untrusted_ca", untrusted, "chain_trusted"))

        expired = pdf_sign.sign_pdf(unsigned, "GVCN", LocalBackend(self.expired),
                                    dict(_pdf_meta("homeroom_teacher"), skip_certificate_check=True))
        expired = self._cascade_pdf(expired, real)
        cases.append(("expired_certificate", expired, "signing_time_valid"))
        cases.append(("expired_certificate", expired, "chain_trusted"))

        homeroom = self.issued("gvcn_a")
        prepared = pdf_sign.prepare(unsigned, "GVCN", homeroom.cert, homeroom.chain, _pdf_meta("homeroom_teacher"))
        value = LocalBackend(homeroom, key=self.other_key).sign_digest(prepared.digest)
        with patch.object(pdf_sign, "_check_signature_value", lambda *a: None):  # finish() refuses it: force it
            wrong = pdf_sign.finish(prepared, value)
        cases.append(("wrong_key", wrong, "signature_intact"))

        cases.append(("unsigned_rendition", unsigned, "signatures_present"))

        # a well-signed document this system never issued (same school keys, unknown document id)
        foreign = pdf_sign.set_document_info(unsigned, document_id="HBS-FOREIGN-0001")
        foreign = self._cascade_pdf(foreign, dict(real, homeroom_teacher=self.local("gvcn_a")))
        cases.append(("document_not_issued_here", foreign, "snapshot_hash"))
        return cases

    # -------------------------------------------------------------------------------------------- XML corpus
    def _xml_corpus(self, t, clean):
        cases = []
        real = {"principal": self.local("principal"), "school_seal": self.local("seal")}

        def edit(name, code, fn, source=clean):
            tree = _tree(source)
            fn(tree.getroot())
            cases.append((name, _bytes(tree), code))

        def score(root):
            node = next(n for n in root.iterfind("DLHocBa/DSMonHoc/MonHoc//*") if len(n) == 0 and (n.text or "")
                        .strip() and n.getparent().tag in ("DiemKiemTra", "MucDat"))
            node.text = ("9" if node.text != "9" else "8") if node.text.strip().isdigit() else (
                "H" if node.text != "H" else "T")
        edit("score_changed", "signature_intact", score)

        def name(root):
            node = root.find("DLHocBa/TTHocSinh/hovaten")
            node.text += "h"
        edit("name_changed", "signature_intact", name)

        def swap(root):
            subjects = root.find("DLHocBa/DSMonHoc")
            self.assertGreaterEqual(len(subjects), 2)
            first, second = subjects[0], subjects[1]
            first.addprevious(copy.deepcopy(second))
            subjects.remove(second)
        edit("subjects_swapped", "signature_intact", swap)

        def remove_signature(root):
            slot = root.find("DSCKS/HieuTruong")
            slot.remove(slot[0])
        edit("signature_removed", "signatures_present", remove_signature)

        def value(root):
            node = root.find("DSCKS/GVCN/ds:Signature/ds:SignatureValue", NS)
            raw = bytearray(base64.b64decode(node.text))
            raw[10] ^= 0x01
            node.text = base64.b64encode(bytes(raw)).decode()
        edit("signature_value_altered", "signature_intact", value)

        def signing_time(root):
            node = root.find("DSCKS/GVCN/ds:Signature/ds:Object/ds:SignatureProperties/ds:SignatureProperty/"
                             "ds:SigningTime", NS)
            node.text = "2020-01-01T00:00:00Z"
        edit("signing_time_changed", "signature_intact", signing_time)

        def outside(root):
            etree.SubElement(root, "GhiChu").text = "Học sinh được miễn thi"
        edit("element_outside_payload", "xml_coverage", outside)

        def wrapping(root):
            payload = root.find("DLHocBa")
            root.find("DSCKS/DonVi/ds:Signature/ds:Object", NS).append(copy.deepcopy(payload))
            payload.find("TTHocSinh/hovaten").text = "Nguyễn Văn Giả"  # the forged payload an application reads
        edit("duplicate_id_wrapping", "xml_coverage", wrapping)

        def undeclared_slot(root):
            extra = etree.SubElement(root.find("DSCKS"), "GVBM")
            extra.append(copy.deepcopy(root.find("DSCKS/GVCN/ds:Signature", NS)))
            for node in extra.iter():
                for attr in ("Id", "Target"):
                    if node.get(attr):
                        node.set(attr, node.get(attr).replace("GVCN", "GVBM"))
        edit("undeclared_signature_slot", "xml_coverage", undeclared_slot)

        # -- cryptographic identity: the homeroom teacher's signature replaced, the others kept
        without_gvcn = _strip(clean, {"GVCN"})
        homeroom = self.issued("gvcn_a")
        prepared = xmldsig.prepare(without_gvcn, "homeroom_teacher", homeroom.cert, homeroom.chain)
        wrong_value = self.local("principal").sign_digest(prepared.digest)  # the key of another signer
        cases.append(("wrong_key", xmldsig.finish(prepared, wrong_value, verify=False), "signature_intact"))

        expired = xmldsig.sign(without_gvcn, "homeroom_teacher", LocalBackend(self.expired),
                               signing_time=dt.datetime.now(UTC) - dt.timedelta(days=700))
        cases.append(("expired_certificate", expired, "chain_trusted"))

        cases.append(("untrusted_ca", xmldsig.sign(without_gvcn, "homeroom_teacher", LocalBackend(self.stranger)),
                      "chain_trusted"))

        before = homeroom.cert.not_valid_before_utc - dt.timedelta(days=30)
        cases.append(("signing_time_before_certificate",
                      xmldsig.sign(without_gvcn, "homeroom_teacher", self.local("gvcn_a"), signing_time=before),
                      "signing_time_valid"))

        # -- re-signed documents: every signature correct, the content is not what the schema / database says
        everyone = dict(real, homeroom_teacher=self.local("gvcn_a"))
        tree = _tree(_strip(clean))
        etree.SubElement(tree.getroot().find("DLHocBa/TTHocSinh"), "ghichu").text = "không có trong XSD"
        cases.append(("schema_invalid_extra_element", self._cascade_xml(_bytes(tree), everyone), "schema"))

        tree = _tree(_strip(clean))
        tree.getroot().find("DLHocBa/TTChung/madinhdanhhocba").text = "HBS-FOREIGN-0001"
        cases.append(("document_not_issued_here", self._cascade_xml(_bytes(tree), everyone), "snapshot_hash"))

        # -- format
        cases.append(("truncated", clean[: len(clean) // 2], "format"))
        cases.append(("doctype_entities", clean.replace(b"?>", b'?>\n<!DOCTYPE HocBaSo [<!ENTITY x "y">]>', 1),
                      "format"))
        return cases

    # -------------------------------------------------------------------------------------------- the test
    def test_tamper_corpus_rejected_by_verify_file(self):
        _sheets, transcripts = self.sign_class_a()
        t = transcripts[0]
        pdf = base64.b64decode(t.with_context(bin_size=False).pdf_file)
        xml = base64.b64decode(t.with_context(bin_size=False).xml_file)

        for kind, data in (("pdf", pdf), ("xml", xml)):
            report = self.verify(f"clean.{kind}", data)
            self.assertIs(report["valid"], True, f"untouched {kind}: {report['checks']}")
            self.assertEqual(report["kind"], kind)
            self.assertEqual(report["transcript_ref"], t.document_ref)

        pdf_cases = self._pdf_corpus(t, pdf)
        xml_cases = self._xml_corpus(t, xml)
        self.assertGreaterEqual(len({name for name, _data, _code in pdf_cases}), 11)
        self.assertGreaterEqual(len({name for name, _data, _code in xml_cases}), 11)
        for kind, cases in (("pdf", pdf_cases), ("xml", xml_cases)):
            for name, data, code in cases:
                with self.subTest(kind=kind, case=name, check=code), mute_logger(*PYHANKO_LOGGERS):
                    self.assertNotEqual(data, pdf if kind == "pdf" else xml)
                    report = self.verify(f"{name}.{kind}", data)
                    self.assert_rejected(f"{kind}/{name}", report, code)
                    failing = {c["code"] for c in report["checks"] if not c["ok"]}
                    self.assertFalse(failing & MUST_PASS.get((kind, name), set()),
                                     f"{kind}/{name}: an unrelated check failed; {report['checks']}")

        # the file is untouched, but the database issued another content under its reference
        self.env.cr.execute("UPDATE hocbaso_transcript SET snapshot_sha256 = %s WHERE id = %s", ["0" * 64, t.id])
        t.invalidate_recordset()  # tampering in the database, behind the ORM
        for kind, data in (("pdf", pdf), ("xml", xml)):
            with self.subTest(kind=kind, case="snapshot_changed_in_database", check="snapshot_hash"):
                self.assert_rejected(f"{kind}/snapshot_changed_in_database", self.verify(f"db.{kind}", data),
                                     "snapshot_hash")
