"""Shared helpers for the PDF signing tests: test PKI, a local backend, sample PDFs, a 3-signature document.

Registers ``odoo.addons.hocbaso_signing`` as a bare package (its ``__init__`` is not executed), like
``tests/conftest.py`` does for ``hocbaso_core``, so plain pytest imports only the plain-Python tools.
"""

import datetime as dt
import io
import os
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The addons are registered for plain pytest by tests/conftest.py.

from asn1crypto import keys as asn1_keys  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402

from odoo.addons.hocbaso_signing.tools import pdf_sign, pki  # noqa: E402
from odoo.addons.hocbaso_signing.tools.backends.key import KeyBackend  # noqa: E402

UTC = dt.UTC

# (field name, role, page, box, options) of a year page: homeroom teacher, principal, school seal (locks)
FIELDS = [
    ("sig_homeroom", "homeroom_teacher", 0, (40, 60, 200, 120), None),
    ("sig_principal", "principal", 0, (220, 60, 380, 120), None),
    ("sig_seal", "school_seal", 0, (400, 60, 560, 120), {"lock": True}),
]
DOCUMENT_ID = "HBS-2025-0001-Y1"
SNAPSHOT_SHA256 = "ab" * 32


class LocalBackend(KeyBackend):
    """The in-memory key backend of the engine, counting its confirmations (``calls``)."""

    def __init__(self, issued, key=None):
        super().__init__(key or issued.key, issued.cert, issued.chain)
        self.issued = issued
        self.calls = 0

    def sign_digests(self, digests):
        self.calls += 1
        return super().sign_digests(digests)


class Pki:
    """One test CA with a homeroom teacher, a principal, a school seal and a TSA."""

    def __init__(self):
        self.ca = pki.make_ca("Học bạ số Test CA")
        self.homeroom = pki.issue(self.ca, "Nguyễn Thị Hồng", org="Trường Tiểu học Kim Đồng")
        self.principal = pki.issue(self.ca, "Trần Văn Bình", org="Trường Tiểu học Kim Đồng")
        self.seal = pki.issue(self.ca, "Trường Tiểu học Kim Đồng", org="Trường Tiểu học Kim Đồng")
        self.tsa = pki.issue(self.ca, "Học bạ số Test TSA", timestamping=True)

    @property
    def roots(self):
        return [self.ca.cert]

    @property
    def ca_pem(self):
        return self.ca.cert_pem

    def backend(self, who):
        return LocalBackend(getattr(self, who))

    def timestamper(self):
        from pyhanko.sign.timestamps import DummyTimeStamper

        key = asn1_keys.PrivateKeyInfo.load(self.tsa.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        return DummyTimeStamper(tsa_cert=pdf_sign._to_asn1(self.tsa.cert), tsa_key=key,
                                certs_to_embed=pdf_sign.to_asn1_list(self.roots))


def make_pdf(pages=1, text="Học bạ số — trang năm học"):
    """A plain A4 PDF made with reportlab (the test stand-in for the QWeb / wkhtmltopdf report)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    font = pdf_sign._appearance_font() or "Helvetica"
    for i in range(pages):
        c.setFont(font, 14)
        c.drawString(72, 780, f"{text} {i + 1}")
        c.drawString(72, 760, "Môn Tiếng Việt: Hoàn thành tốt — Toán: 9")
        c.showPage()
    c.save()
    return buf.getvalue()


def prepared_pdf(document_id=DOCUMENT_ID, snapshot_sha256=SNAPSHOT_SHA256, pages=1):
    """A report with the three empty signature fields and the document info."""
    specs = [(name, page, box, opts) for name, _role, page, box, opts in FIELDS]
    return pdf_sign.add_signature_fields(make_pdf(pages), specs, document_id=document_id,
                                         snapshot_sha256=snapshot_sha256)


def meta_for(role, **extra):
    meta = {
        "homeroom_teacher": {"reason": "Giáo viên chủ nhiệm xác nhận", "role": "homeroom_teacher",
                             "role_label": "Giáo viên chủ nhiệm"},
        "principal": {"reason": "Hiệu trưởng phê duyệt", "role": "principal", "role_label": "Hiệu trưởng"},
        "school_seal": {"reason": "Đóng dấu nhà trường", "role": "school_seal", "role_label": "Dấu nhà trường",
                        "lock": True},
    }[role]
    meta = dict(meta, location="Hà Nội")
    meta.update(extra)
    return meta


WHO = {"homeroom_teacher": "homeroom", "principal": "principal", "school_seal": "seal"}


def signed_three(p, pdf=None, upto=3, **extra):
    """Cascade of signatures homeroom → principal → seal (lock), ``upto`` of them."""
    pdf = pdf or prepared_pdf()
    for name, role, _page, _box, _opts in FIELDS[:upto]:
        pdf = pdf_sign.sign_pdf(pdf, name, p.backend(WHO[role]), meta_for(role, **extra))
    return pdf


def check(result, code):
    return next(c for c in result["checks"] if c["code"] == code)


def asn1_key(key):
    return asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def raw_signer(issued):
    """A plain pyHanko SimpleSigner for ``issued`` (to build hostile documents and for the benchmark)."""
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    return signers.SimpleSigner(
        signing_cert=pdf_sign._to_asn1(issued.cert), signing_key=asn1_key(issued.key),
        cert_registry=SimpleCertificateStore.from_certs(pdf_sign.to_asn1_list(issued.chain)))


def raw_sign(pdf, field_name, issued, **meta):
    """Sign with plain pyHanko (no checks of ours)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    sig_meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256", **meta)
    return signers.sign_pdf(w, sig_meta, signer=raw_signer(issued)).getvalue()
