"""Generate the XML tamper corpus: a cleanly signed year page and tampered variants.

Each :class:`Case` names the verification check(s) that must fail (``fails``) and, where it matters, checks that
must still pass (``passes``), so a test proves the *right* defence caught the tampering.

Run as a script to write the corpus to a folder for manual inspection (xmlsec1, xmllint)::

    .build/venv/bin/python tests/signing/xml_tamper/corpus.py /tmp/xml_tamper
"""

import copy
import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.dirname(HERE) not in sys.path:
    sys.path.insert(0, os.path.dirname(HERE))

import xml_fixtures as fx  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from lxml import etree  # noqa: E402

from odoo.addons.hocbaso_signing.tools import pki, xml_document, xmldsig  # noqa: E402

DS = xmldsig.DS
NS = xmldsig.NS
YEAR_ROLES = ("homeroom_teacher", "principal", "school_seal")


@dataclass
class Case:
    name: str
    xml: bytes
    fails: set = field(default_factory=set)
    passes: set = field(default_factory=set)
    note: str = ""


def _tree(xml):
    return etree.fromstring(xml).getroottree()


def _bytes(tree):
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _signature(tree, tag):
    return tree.getroot().find(f"DSCKS/{tag}/ds:Signature", NS)


def sign_all(xml, tpki, roles=YEAR_ROLES, signing_time=None):
    for role in roles:
        xml = xmldsig.sign(xml, role, tpki.backend(role), signing_time=signing_time)
    return xml


def build(tpki=None, schema_dir=fx.SCHEMA_DIR):
    """All cases, the clean one first."""
    tpki = tpki or fx.test_pki()
    now = fx.now()
    unsigned = xml_document.render(fx.year_page(), schema_dir)
    clean = sign_all(unsigned, tpki)
    cases = [Case("clean", clean, note="three cascaded signatures, untouched")]

    def edit(name, fails, fn, passes=(), note=""):
        tree = _tree(clean)
        fn(tree)
        cases.append(Case(name, _bytes(tree), set(fails), set(passes), note))

    # --- content changes after signing: digests break
    def score(tree):
        node = tree.getroot().find("DLHocBa/DSMonHoc/MonHoc/DiemKiemTra/cn")
        node.text = "9" if node.text != "9" else "8"
    edit("score_changed", {"signature_intact"}, score, {"schema", "xml_coverage", "chain_trusted"},
         "end-of-year score of the first subject changed (still schema-valid)")

    def name(tree):
        node = tree.getroot().find("DLHocBa/TTHocSinh/hovaten")
        node.text = node.text + "h"
    edit("name_changed", {"signature_intact"}, name, {"schema", "xml_coverage"}, "pupil's name changed")

    def swap(tree):
        subjects = tree.getroot().find("DLHocBa/DSMonHoc")
        first, second = subjects[0], subjects[1]
        first.addprevious(copy.deepcopy(second))
        subjects.remove(second)
    edit("subjects_swapped", {"signature_intact"}, swap, {"schema", "xml_coverage"}, "two MonHoc swapped")

    def signing_time(tree):
        node = _signature(tree, "GVCN").find("ds:Object/ds:SignatureProperties/ds:SignatureProperty/ds:SigningTime",
                                             NS)
        node.text = "2020-01-01T00:00:00Z"
    edit("signing_time_changed", {"signature_intact"}, signing_time, {"schema", "xml_coverage"},
         "SigningTime of the homeroom teacher back-dated")

    def value(tree):
        node = _signature(tree, "GVCN").find("ds:SignatureValue", NS)
        raw = bytearray(xmldsig.base64.b64decode(node.text))
        raw[10] ^= 0x01
        node.text = xmldsig.base64.b64encode(bytes(raw)).decode()
    edit("signature_value_altered", {"signature_intact"}, value, {"chain_trusted", "xml_coverage"},
         "one bit of a SignatureValue flipped")

    # --- signatures removed
    def remove_signature(tree):
        slot = tree.getroot().find("DSCKS/HieuTruong")
        slot.remove(slot[0])
    edit("signature_removed", {"signatures_present"}, remove_signature, {"signature_intact", "schema"},
         "principal's signature removed, empty slot left")

    def remove_slot(tree):
        block = tree.getroot().find("DSCKS")
        block.remove(block.find("HieuTruong"))
    edit("signature_slot_removed", {"signatures_present"}, remove_slot, {"signature_intact"},
         "principal's signature and slot removed; the signed payload still declares the principal")

    # --- structure / wrapping
    def outside(tree):
        extra = etree.SubElement(tree.getroot(), "GhiChu")
        extra.text = "Học sinh được miễn thi"
    edit("element_outside_payload", {"xml_coverage"}, outside, {"signature_intact"},
         "an element appended under the root, outside the signed payload")

    def wrapping(tree):
        root = tree.getroot()
        payload = root.find("DLHocBa")
        original = copy.deepcopy(payload)
        obj = _signature(tree, "DonVi").find("ds:Object", NS)
        obj.append(original)  # original kept where a naive id lookup may find it
        payload.find("DSMonHoc/MonHoc/DiemKiemTra/cn").text = "5"  # forged payload read by the application
    edit("duplicate_id_wrapping", {"xml_coverage"}, wrapping, note="signature wrapping: forged payload + original "
         "copy with the same Id inside ds:Object")

    def other_slot(tree):
        block = tree.getroot().find("DSCKS")
        extra = etree.SubElement(block, "GVBM")
        extra.append(copy.deepcopy(_signature(tree, "GVCN")))
        for node in extra.iter():
            for attr in ("Id", "Target"):
                if node.get(attr):
                    node.set(attr, node.get(attr).replace("GVCN", "GVBM"))
    edit("undeclared_signature_slot", {"xml_coverage"}, other_slot,
         note="an extra GVBM slot (copied signature) the payload does not declare")

    # --- cryptographic identity
    sh = tpki.signers["homeroom_teacher"]
    prepared = xmldsig.prepare(unsigned, "homeroom_teacher", sh.cert, sh.chain)
    wrong_value = tpki.backend("principal").sign_digest(prepared.digest)  # key does not match the KeyInfo cert
    xml = xmldsig.finish(prepared, wrong_value, verify=False)
    xml = sign_all(xml, tpki, YEAR_ROLES[1:])
    cases.append(Case("wrong_key", xml, {"signature_intact"}, {"chain_trusted", "xml_coverage"},
                      "signed with the principal's key, KeyInfo holds the homeroom teacher's certificate"))

    expired = pki.issue(tpki.ca, "Giáo viên Hết Hạn", not_before=now - dt.timedelta(days=800), days=365)
    xml = xmldsig.sign(unsigned, "homeroom_teacher", fx.LocalBackend(expired),
                       signing_time=now - dt.timedelta(days=700))
    xml = sign_all(xml, tpki, YEAR_ROLES[1:])
    cases.append(Case("expired_certificate", xml, {"chain_trusted"},
                      {"signature_intact", "signing_time_valid", "xml_coverage"},
                      "certificate expired a year ago; signing time inside its validity"))

    stranger = pki.issue(tpki.other_ca, "Người Lạ")
    xml = xmldsig.sign(unsigned, "homeroom_teacher", fx.LocalBackend(stranger))
    xml = sign_all(xml, tpki, YEAR_ROLES[1:])
    cases.append(Case("untrusted_ca", xml, {"chain_trusted"}, {"signature_intact", "xml_coverage"},
                      "homeroom teacher's certificate from a CA that is not a trust root"))

    before = tpki.signers["homeroom_teacher"].cert.not_valid_before_utc - dt.timedelta(days=30)
    xml = xmldsig.sign(unsigned, "homeroom_teacher", tpki.backend("homeroom_teacher"), signing_time=before)
    xml = sign_all(xml, tpki, YEAR_ROLES[1:])
    cases.append(Case("signing_time_before_certificate", xml, {"signing_time_valid"},
                      {"signature_intact", "chain_trusted"}, "signed SigningTime before the certificate existed"))

    # --- schema and format
    tree = _tree(unsigned)
    etree.SubElement(tree.getroot().find("DLHocBa/TTHocSinh"), "ghichu").text = "không có trong XSD"
    xml = sign_all(_bytes(tree), tpki)
    cases.append(Case("schema_invalid_extra_element", xml, {"schema"}, {"signature_intact", "xml_coverage"},
                      "an element unknown to the XSD inside the payload, then signed correctly"))

    doctype = clean.replace(b"?>", b'?>\n<!DOCTYPE HocBaSo [<!ENTITY x "y">]>', 1)
    cases.append(Case("doctype_entities", doctype, {"format"}, note="DOCTYPE with an entity declaration"))
    cases.append(Case("truncated", clean[: len(clean) // 2], {"format"}, note="not well-formed"))
    other_root = re.sub(rb"(</?)HocBaSo>", rb"\1HoaDon>", clean)
    cases.append(Case("unknown_root", other_root, {"format"}, note="root element of another document type"))
    return cases


def write(folder, tpki=None):
    os.makedirs(folder, exist_ok=True)
    tpki = tpki or fx.test_pki()
    for case in build(tpki):
        with open(os.path.join(folder, f"{case.name}.xml"), "wb") as fh:
            fh.write(case.xml)
    with open(os.path.join(folder, "ca.pem"), "wb") as fh:
        fh.write(tpki.ca.cert.public_bytes(serialization.Encoding.PEM))


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else "xml_tamper_corpus")
