import io
import uuid

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from ..tools.html_pdf import html_to_pdf

PAPER_BOOK_TEMPLATE = "hocbaso_signing.report_paper_book"
PAPER_BOOK_FIELD = "paper_book_file"


class HocbasoStudent(models.Model):
    _inherit = "hocbaso.student"

    # The last printed paper book. Its attachment is readable only by system administrators: the book holds every
    # year page, and a user who may read the pupil (e.g. a teacher of one of its classes) may not read all of
    # them. Whoever prints it downloads it through the access token of that print.
    paper_book_file = fields.Binary("Paper book (PDF)", attachment=True, readonly=True, copy=False,
                                    groups="base.group_system")

    # ------------------------------------------------------------------ paper book
    def _hocbaso_paper_book_pages(self):
        """The current year pages of the pupil in grade order, all readable by the current user.

        Raises AccessError when the user cannot read the pupil or one of its year pages (a partial book is never
        printed), UserError when the pupil has no year page."""
        self.ensure_one()
        self.check_access("read")
        Transcript = self.env["hocbaso.transcript"]
        # Searched as superuser so that pages hidden from the user raise AccessError below instead of being left
        # out silently. A normal search skips archived (superseded) versions: only current versions are printed.
        pages = Transcript.browse(Transcript.sudo().search([("student_id", "=", self.id)]).ids)
        if not pages:
            raise UserError(_("%(pupil)s has no year page: there is nothing to print.", pupil=self.display_name))
        pages.check_access("read")
        return pages.sorted(lambda t: (t.grade, t.school_year_id.date_start, t.id))

    def _hocbaso_paper_book_pdf(self):
        """The paper book of the pupil (cover, year pages in grade order, summary) as PDF bytes."""
        self.ensure_one()
        pages = self._hocbaso_paper_book_pages()
        values = self.env[f"report.{PAPER_BOOK_TEMPLATE}"]._get_report_values(self.ids, {"transcripts": pages})
        html = self.env["ir.qweb"]._render(PAPER_BOOK_TEMPLATE, values)
        paper = self.env.ref("hocbaso_signing.paperformat_hocbaso_book")
        return self._hocbaso_html_to_pdf(html, paper, title=f"Học bạ — {self.name}")

    def _hocbaso_html_to_pdf(self, html, paper, title=None):
        """One wkhtmltopdf run on a self-contained HTML page (same engine settings as the signed renditions)."""
        data = html_to_pdf(html, paper)
        if data is None:
            raise UserError(_("The paper book could not be produced (wkhtmltopdf failed)."))
        writer = PdfFileWriter()
        for page in PdfFileReader(io.BytesIO(data)).pages:
            writer.add_page(page)
        writer.add_metadata({"/Title": title or "Học bạ", "/Producer": "Học bạ số"})
        buf = io.BytesIO()
        writer.write(buf)
        return buf.getvalue()

    def action_print_paper_book(self):
        """Print the paper book of one pupil: stored on the pupil (replaced on each print) and downloaded."""
        if len(self) != 1:
            raise UserError(_("Select one pupil at a time to print a paper book."))
        pdf = self._hocbaso_paper_book_pdf()
        name = f"HocBa-{self.student_code or self.id}.pdf"
        token = str(uuid.uuid4())
        # Written as superuser once the user has been checked to read the pupil and all its year pages: the user
        # may only read the pupil. A new token each print: earlier download links stop working.
        Attachment = self.env["ir.attachment"].sudo()
        vals = {"name": name, "raw": pdf, "mimetype": "application/pdf", "access_token": token}
        attachment = Attachment.search([("res_model", "=", self._name), ("res_id", "=", self.id),
                                        ("res_field", "=", PAPER_BOOK_FIELD)], limit=1)
        if attachment:
            attachment.write(vals)
        else:
            attachment = Attachment.create({**vals, "res_model": self._name, "res_id": self.id,
                                            "res_field": PAPER_BOOK_FIELD, "type": "binary"})
        self.sudo().message_post(body=_("Paper book printed by %(user)s.", user=self.env.user.name),
                                 author_id=self.env.user.partner_id.id)
        return {"type": "ir.actions.act_url", "target": "self",
                "url": f"/web/content/{attachment.id}?download=true&access_token={token}"}
