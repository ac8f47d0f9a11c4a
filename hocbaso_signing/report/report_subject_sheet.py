from odoo import api, models

from .report_year_page import LEVEL_LABELS


class ReportSubjectSheet(models.AbstractModel):
    _name = "report.hocbaso_signing.report_subject_sheet"
    _description = "Class subject sheet (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["report.hocbaso_signing.report_year_page"]._snapshot_docs(
            docids, data, "hocbaso.subject.sheet")
        return {"doc_ids": docids, "doc_model": "hocbaso.subject.sheet", "docs": docs, "level": LEVEL_LABELS,
                "points": ("gk1", "ck1", "gk2", "cn")}
