import base64
import io

import qrcode

from odoo import api, models

LEVEL_LABELS = {"t": "T", "h": "H", "c": "C", "d": "Đ"}
RESULT_LABELS = {"htxs": "Hoàn thành xuất sắc", "htt": "Hoàn thành tốt", "ht": "Hoàn thành",
                 "cht": "Chưa hoàn thành"}
COMMENDATION_LABELS = {"xuat_sac": "Học sinh Xuất sắc",
                       "tieu_bieu": "Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện"}
KIND_LABELS = {"quality": "Phẩm chất chủ yếu", "general": "Năng lực chung", "specific": "Năng lực đặc thù"}


def fmt_date(iso):
    """'2015-04-04' -> '04/04/2015' (Vietnamese date order)."""
    return "/".join(reversed(iso.split("-"))) if iso else ""


def qr_data_uri(text):
    img = qrcode.make(text, box_size=3, border=1)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


class ReportYearPage(models.AbstractModel):
    """Renders the year page from the frozen snapshots passed in ``data`` (never from live records)."""

    _name = "report.hocbaso_signing.report_year_page"
    _description = "Transcript year page (PDF)"

    def _snapshot_docs(self, docids, data, model):
        snapshots = (data or {}).get("snapshots") or {}
        records = self.env[model].browse(docids)
        docs = []
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for rec in records:
            snap = snapshots.get(rec.id) or snapshots.get(str(rec.id)) or rec._hocbaso_snapshot()
            docs.append({"record": rec, "s": snap,
                         "qr": qr_data_uri(f"{base_url}/hocbaso/verify?ref={snap['document_id']}")})
        return docs

    @api.model
    def _get_report_values(self, docids, data=None):
        return {
            "doc_ids": docids, "doc_model": "hocbaso.transcript",
            "docs": self._snapshot_docs(docids, data, "hocbaso.transcript"),
            "level": LEVEL_LABELS, "results": RESULT_LABELS, "commendations": COMMENDATION_LABELS,
            "kinds": KIND_LABELS, "points": ("gk1", "ck1", "gk2", "cn"), "fmt_date": fmt_date,
        }
