"""Shared fixtures of the XML signing tests (imported by tests/signing/test_xml_*.py).

Registers ``odoo.addons.hocbaso_signing`` as a bare package (like tests/conftest.py does for hocbaso_core) so
the plain-Python tools import without the ORM, and provides sample snapshots, a test PKI and a minimal local
backend (RSA PKCS#1 v1.5 over pre-hashed SHA-256 digests).
"""

import copy
import datetime as dt
import os
import warnings

with warnings.catch_warnings():  # LazyGettext reads odoo.http.request to pick the language
    warnings.simplefilter("ignore", DeprecationWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The addons are registered for plain pytest by tests/conftest.py.


from odoo.addons.hocbaso_signing.tools import pki  # noqa: E402
from odoo.addons.hocbaso_signing.tools.backends.key import KeyBackend  # noqa: E402

SCHEMA_DIR = os.path.join(ROOT, "hocbaso_signing", "data", "schemas", "1.0")
UTC = dt.UTC


class LocalBackend(KeyBackend):
    """The in-memory key backend of the engine (tests and benchmarks), counting its confirmations."""

    def __init__(self, issued, cert=None, chain=None):
        super().__init__(issued.key, cert or issued.cert, issued.chain if chain is None else chain)
        self.issued = issued
        self.calls = 0

    def sign_digests(self, digests):
        self.calls += 1
        return super().sign_digests(digests)


class TestPKI:
    """One CA and a signer per role, created once per test session (RSA key generation is slow)."""

    def __init__(self):
        self.ca = pki.make_ca("Học bạ số Test CA")
        self.other_ca = pki.make_ca("Untrusted CA")
        self.signers = {
            "subject_teacher": pki.issue(self.ca, "Nguyễn Văn Bình", org="Trường TH Test"),
            "homeroom_teacher": pki.issue(self.ca, "Trần Thị Lan", org="Trường TH Test"),
            "principal": pki.issue(self.ca, "Lê Văn Hùng", org="Trường TH Test"),
            "school_seal": pki.issue(self.ca, "Trường Tiểu học Test", org="Trường TH Test"),
        }

    def backend(self, role):
        return LocalBackend(self.signers[role])


_PKI = None


def test_pki():
    global _PKI
    if _PKI is None:
        _PKI = TestPKI()
    return _PKI


test_pki.__test__ = False
TestPKI.__test__ = False

SCHOOL = {"name": "Trường Tiểu học Kim Đồng", "code": "79760401", "department_code": "79",
          "place_name": "Thành phố Hồ Chí Minh"}
SIGNERS = [
    {"role": "homeroom_teacher", "name": "Trần Thị Lan", "title": "Giáo viên chủ nhiệm"},
    {"role": "principal", "name": "Lê Văn Hùng", "title": "Hiệu trưởng"},
    {"role": "school_seal", "name": "Trường Tiểu học Kim Đồng", "title": "Đơn vị"},
]
_COMPETENCIES = [("yeu_nuoc", "Yêu nước", "quality"), ("cham_chi", "Chăm chỉ", "quality"),
                 ("tu_chu_tu_hoc", "Tự chủ và tự học", "general"), ("ngon_ngu", "Ngôn ngữ", "specific")]


def year_page(**overrides):
    snap = {
        "schema_version": "1.0",
        "kind": "year_page",
        "document_id": "HB-79760401-2024-2025-HS0001-v1",
        "version": 1,
        "school": dict(SCHOOL),
        "school_year": "2024-2025",
        "student": {
            "code": "HS0001", "personal_id": "079215000123", "full_name": "Phạm Minh Anh",
            "birthdate": "2015-03-09", "gender": "female", "sex_code": 2, "ethnicity": "Kinh",
            "nationality": "VN", "father_name": "Phạm Văn Cường", "mother_name": "Đỗ Thị Hoa", "guardian_name": "",
        },
        "class": {"name": "4A", "grade": 4, "homeroom_teacher": "Trần Thị Lan"},
        "subjects": [
            {"code": "tieng_viet", "name": "Tiếng Việt", "teacher": "Trần Thị Lan",
             "levels": {"gk1": "t", "ck1": "t", "gk2": "t", "cn": "t"},
             "scores": {"gk1": 9, "ck1": 10, "gk2": 9, "cn": 10}, "comment": "Đọc diễn cảm tốt."},
            {"code": "toan", "name": "Toán", "teacher": "Trần Thị Lan",
             "levels": {"gk1": "t", "ck1": "t", "gk2": "t", "cn": "t"},
             "scores": {"gk1": 8, "ck1": 9, "gk2": 9, "cn": 9}, "comment": "Tính toán nhanh."},
            {"code": "am_nhac", "name": "Âm nhạc", "teacher": "Nguyễn Văn Bình",
             "levels": {"gk1": None, "ck1": "h", "gk2": None, "cn": "t"}, "scores": {}, "comment": ""},
        ],
        "competencies": [
            {"code": code, "name": name, "kind": kind, "levels": {"ck1": "t", "cn": "d" if i == 1 else "t"},
             "comment": "Tốt"} for i, (code, name, kind) in enumerate(_COMPETENCIES)
        ],
        "result": "ht", "reassessment_result": None, "final_result": "ht",
        "completed_grade": True, "completed_primary": False, "promoted": True,
        "commendation": None, "commendation_note": "", "homeroom_comment": "Chăm ngoan, tiến bộ.",
        "place": "Thành phố Hồ Chí Minh", "date": "2025-05-25",
        "signers": copy.deepcopy(SIGNERS),
        "subject_sheets": [
            {"subject": "tieng_viet", "document_id": "BTH-79760401-2024-2025-4A-tieng_viet-v1", "sha256": "a" * 64},
            {"subject": "toan", "document_id": "BTH-79760401-2024-2025-4A-toan-v1", "sha256": "b" * 64},
        ],
    }
    snap.update(overrides)
    return snap


def subject_sheet(**overrides):
    snap = {
        "schema_version": "1.0",
        "kind": "subject_sheet",
        "document_id": "BTH-79760401-2024-2025-4A-toan-v1",
        "version": 1,
        "school": dict(SCHOOL),
        "school_year": "2024-2025",
        "class": {"name": "4A", "grade": 4, "homeroom_teacher": "Trần Thị Lan"},
        "subject": {"code": "toan", "name": "Toán"},
        "teacher": "Nguyễn Văn Bình",
        "rows": [
            {"student_code": f"HS{i:04d}", "personal_id": f"0792150{i:05d}", "full_name": f"Học sinh {i}",
             "levels": {"gk1": "t", "ck1": "h", "gk2": "t", "cn": "t"},
             "scores": {"gk1": 7, "ck1": 8, "gk2": 9, "cn": 10}, "comment": "Tiến bộ."}
            for i in range(1, 6)
        ],
        "place": "Thành phố Hồ Chí Minh", "date": "2025-05-20",
        "signers": [{"role": "subject_teacher", "name": "Nguyễn Văn Bình", "title": "Giáo viên bộ môn"}],
    }
    snap.update(overrides)
    return snap


def now():
    return dt.datetime.now(UTC).replace(microsecond=0)
