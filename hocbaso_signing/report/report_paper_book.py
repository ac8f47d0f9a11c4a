from odoo import api, fields, models

from .report_year_page import (
    COMMENDATION_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    RESULT_LABELS,
    fmt_date,
    qr_data_uri,
)


class ReportPaperBook(models.AbstractModel):
    """Values of the paper book of one pupil: cover, the year pages in grade order, summary.

    Each year page is printed from its signed snapshot when it has one (the data the signatures cover), from a
    fresh snapshot otherwise. Only pages carrying every signature (issued) get their document reference and QR
    code; the others are marked as not signed."""

    _name = "report.hocbaso_signing.report_paper_book"
    _description = "Paper book of a pupil (PDF)"

    @api.model
    def _page_doc(self, transcript, base_url):
        roles_done = transcript._hocbaso_roles_done()
        # Like the renditions: the fresh snapshot is built as superuser once the page was checked readable (it
        # prints staff names, HR data the user may not read).
        snap = transcript.get_snapshot() if roles_done else transcript.sudo()._hocbaso_snapshot()
        issued = bool(roles_done) and set(transcript._hocbaso_expected_roles()) <= set(roles_done)
        ref = snap["document_id"] if issued else None
        return {
            "record": transcript, "s": snap, "issued": issued, "ref": ref,
            "sha256": transcript.snapshot_sha256 if issued else None,
            "qr": qr_data_uri(f"{base_url}/hocbaso/verify?ref={ref}") if issued else None,
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        student = self.env["hocbaso.student"].browse(docids)
        student.ensure_one()
        transcripts = (data or {}).get("transcripts") or student._hocbaso_paper_book_pages()
        transcripts.check_access("read")
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        docs = [self._page_doc(t, base_url) for t in transcripts]
        company = student.company_id or transcripts[-1:].company_id
        return {
            "doc_ids": docids, "doc_model": "hocbaso.student", "student": student, "docs": docs,
            "school": {"name": company.name or "", "code": company.hocbaso_school_code or ""},
            "place": company.hocbaso_place_name or company.city or "",
            "date": fields.Date.context_today(self).isoformat(),
            "completed_primary": any(d["s"]["class"]["grade"] == 5 and d["s"]["completed_primary"] for d in docs),
            "level": LEVEL_LABELS, "results": RESULT_LABELS, "commendations": COMMENDATION_LABELS,
            "kinds": KIND_LABELS, "points": ("gk1", "ck1", "gk2", "cn"), "fmt_date": fmt_date,
        }
