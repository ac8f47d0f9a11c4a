"""Snapshot -> XML rendering: determinism, pre-checks, fail-closed schema, recorded hashes."""

import os
import shutil
import subprocess

import pytest
import xml_fixtures as fx
from lxml import etree

from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.addons.hocbaso_signing.tools import snapshot, xml_document

XSD = os.path.join(fx.SCHEMA_DIR, "hocbaso_tieuhoc.xsd")


def _problems(err):
    return [str(p) for p in err.problems]


def test_canonical_bytes_and_sha256():
    a = {"b": 1, "a": "Tiếng Việt", "c": [1, {"y": None, "x": True}]}
    assert snapshot.canonical_bytes(a) == '{"a":"Tiếng Việt","b":1,"c":[1,{"x":true,"y":null}]}'.encode()
    assert snapshot.sha256(a) == snapshot.sha256(dict(reversed(list(a.items()))))
    with pytest.raises(ValueError):
        snapshot.canonical_bytes({"x": float("nan")})


@pytest.mark.parametrize("make", [fx.year_page, fx.subject_sheet])
def test_render_is_deterministic_and_valid(make):
    first = xml_document.render(make(), fx.SCHEMA_DIR)
    second = xml_document.render(make(), fx.SCHEMA_DIR)
    assert first == second
    xml_document.validate(first, fx.SCHEMA_DIR)
    # key order of the snapshot dict does not matter
    reordered = dict(reversed(list(make().items())))
    assert xml_document.render(reordered, fx.SCHEMA_DIR) == first


def test_year_page_records_hashes_version_and_ids():
    snap = fx.year_page()
    root = etree.fromstring(xml_document.render(snap, fx.SCHEMA_DIR))
    assert root.tag == "HocBaSo"
    payload = root.find("DLHocBa")
    assert payload.get("Id") == "DLHocBa"
    assert payload.findtext("TTChung/mabamsnapshot") == snapshot.sha256(snap)
    assert payload.findtext("TTChung/phienbanschema") == "1.0"
    assert payload.findtext("TTChung/madinhdanhhocba") == snap["document_id"]
    sheets = [(s.findtext("mamonhoc"), s.findtext("madinhdanhbangtonghop"), s.findtext("mabamsnapshot"))
              for s in payload.findall("DSBangTongHop/BangTongHop")]
    assert sheets == [(s["subject"], s["document_id"], s["sha256"]) for s in snap["subject_sheets"]]
    assert payload.findtext("TTHocSinh/gioitinh") == "2"
    assert payload.findtext("TTHocSinh/madinhdanh") == "079215000123"
    assert payload.findtext("TTLopHoc/makhoi") == "4"
    assert [m.findtext("mamonhoc") for m in payload.findall("DSMonHoc/MonHoc")] == ["tieng_viet", "toan", "am_nhac"]
    assert payload.findtext("DSPhamChatNangLuc/PhamChatNangLuc[2]/MucDat/cn") == "Đ"
    assert payload.findtext("KetQuaGiaoDuc/ketquacuoinam") == "HT"
    assert payload.findtext("KetQuaGiaoDuc/duoclenlop") == "1"
    assert payload.findtext("KetQuaGiaoDuc/dahthanhctrinhtieuhoc") == "0"
    assert payload.findtext("chucvugiamhieu") == "Hiệu trưởng"
    assert [s.tag for s in root.find("DSCKS")] == ["GVCN", "HieuTruong", "DonVi"]
    assert [v.text for v in payload.findall("DSNguoiKy/NguoiKy/vaitro")] == ["GVCN", "HieuTruong", "DonVi"]


def test_subject_sheet_shape():
    snap = fx.subject_sheet()
    root = etree.fromstring(xml_document.render(snap, fx.SCHEMA_DIR))
    assert root.tag == "BangTongHopMonHoc"
    payload = root.find("DLBangTongHop")
    assert payload.get("Id") == "DLBangTongHop"
    assert payload.findtext("TTChung/mabamsnapshot") == snapshot.sha256(snap)
    assert len(payload.findall("DSHocSinh/HocSinh")) == 5
    assert [s.tag for s in root.find("DSCKS")] == ["GVBM"]


def test_content_change_changes_snapshot_hash():
    a = xml_document.render(fx.year_page(), fx.SCHEMA_DIR)
    snap = fx.year_page()
    snap["subjects"][0]["scores"]["cn"] = 9
    b = xml_document.render(snap, fx.SCHEMA_DIR)
    assert etree.fromstring(a).findtext(".//mabamsnapshot") != etree.fromstring(b).findtext(".//mabamsnapshot")


def test_precheck_lists_every_problem():
    snap = fx.year_page()
    snap["student"]["personal_id"] = "07921500012"  # 11 digits
    snap["student"]["birthdate"] = "09/03/2015"
    snap["class"]["grade"] = 6
    snap["subjects"][0]["levels"]["cn"] = "x"
    snap["subjects"][1]["scores"]["cn"] = 11
    snap["subjects"][1]["scores"]["ck1"] = 8.5
    snap["competencies"][0]["levels"]["cn"] = "h"  # H is a subject level, not a competency level
    snap["result"] = "good"
    snap["student"]["full_name"] = ""
    snap["subject_sheets"][0]["sha256"] = "xyz"
    snap["signers"][0]["role"] = "janitor"
    with pytest.raises(RuleError) as info:
        xml_document.render(snap, fx.SCHEMA_DIR)
    err = info.value
    assert err.code == "xml_precheck"
    problems = _problems(err)
    text = str(err)
    for needle in ("12 digits", "ISO date", "class.grade", "subjects[tieng_viet].levels.cn", "subjects[toan].scores.cn",
                   "subjects[toan].scores.ck1", "competencies[yeu_nuoc].levels.cn", "year-end result",
                   "student.full_name is required", "subject_sheets[1].sha256", "signers[1].role"):
        assert needle in text, needle
    assert len(problems) == 11


def test_precheck_subject_sheet_and_kind():
    with pytest.raises(RuleError, match="kind must be"):
        xml_document.render(fx.year_page(kind="report_card"), fx.SCHEMA_DIR)
    snap = fx.subject_sheet()
    snap["rows"][0]["scores"]["cn"] = -1
    snap["rows"][1]["personal_id"] = "12345678901X"
    snap["signers"][0]["role"] = "principal"
    snap["school_year"] = "2024-2026"
    with pytest.raises(RuleError) as info:
        xml_document.render(snap, fx.SCHEMA_DIR)
    assert len(info.value.problems) == 4


def test_precheck_refuses_control_characters():
    snap = fx.year_page(homeroom_comment="Ngoan\x00")
    with pytest.raises(RuleError, match="control characters"):
        xml_document.render(snap, fx.SCHEMA_DIR)


def test_validate_reports_schema_errors():
    xml = xml_document.render(fx.year_page(), fx.SCHEMA_DIR)
    tree = etree.fromstring(xml)
    tree.find("DLHocBa/TTLopHoc/makhoi").text = "7"
    etree.SubElement(tree.find("DLHocBa/TTHocSinh"), "ghichu")
    with pytest.raises(RuleError) as info:
        xml_document.validate(etree.tostring(tree), fx.SCHEMA_DIR)
    assert info.value.code == "xml_schema"
    assert len(info.value.problems) >= 2
    assert "makhoi" in str(info.value)


def test_missing_or_broken_xsd_fails_closed(tmp_path):
    xml = xml_document.render(fx.year_page(), fx.SCHEMA_DIR)
    folder = tmp_path / "1.0"
    shutil.copytree(fx.SCHEMA_DIR, folder)
    os.remove(folder / "hocbaso_tieuhoc.xsd")
    with pytest.raises(RuleError) as info:
        xml_document.validate(xml, str(folder))
    assert info.value.code == "schema_missing"
    with pytest.raises(RuleError):
        xml_document.render(fx.year_page(), str(folder))
    (folder / "hocbaso_tieuhoc.xsd").write_text("<xs:schema this is not xml")
    with pytest.raises(RuleError) as info:
        xml_document.validate(xml, str(folder))
    assert info.value.code == "schema_unreadable"
    with pytest.raises(RuleError) as info:
        xml_document.validate(xml, str(tmp_path / "nowhere"))
    assert info.value.code == "schema_missing"
    (folder / "profile.json").write_text("{not json")
    with pytest.raises(RuleError) as info:
        xml_document.validate(xml, str(folder))
    assert info.value.code == "schema_unreadable"


def test_folder_without_profile_uses_single_xsd_and_xslt(tmp_path):
    folder = tmp_path / "1.0-bare"
    shutil.copytree(fx.SCHEMA_DIR, folder)
    os.remove(folder / "profile.json")
    assert xml_document.render(fx.year_page(), str(folder)) == xml_document.render(fx.year_page(), fx.SCHEMA_DIR)


def test_parse_refuses_doctype():
    with pytest.raises(RuleError) as info:
        xml_document.parse(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>')
    assert info.value.code == "xml_format"


def test_xmllint_accepts_rendered(tmp_path):
    for make in (fx.year_page, fx.subject_sheet):
        path = tmp_path / f"{make.__name__}.xml"
        path.write_bytes(xml_document.render(make(), fx.SCHEMA_DIR))
        run = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", XSD, str(path)], capture_output=True,
                             text=True, check=False)
        assert run.returncode == 0, run.stderr
