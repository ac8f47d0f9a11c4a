import base64
import datetime as dt
import hashlib
import io
import json

from odoo import _, api, fields, models
from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.exceptions import UserError
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from ..tools import pdf_sign, xml_document, xmldsig
from ..tools import snapshot as snapshot_tools
from ..tools.html_pdf import html_to_pdf

# Only the workflow engine writes the workflow and rendition fields. Its context carries this object, which no
# RPC client can send (a JSON context only holds plain values): ``sudo()`` alone is not enough.
ENGINE = object()

# Signature field of each role in the PDF, and its box in the bottom margin (38 mm, kept free of content)
# of the last page (points, A4 = 595 x 842).
ROLE_FIELDS = {
    "subject_teacher": ("GVBM", (385, 14, 565, 96)),
    "homeroom_teacher": ("GVCN", (30, 14, 210, 96)),
    "school_seal": ("DonVi", (215, 14, 380, 96)),
    "principal": ("HieuTruong", (385, 14, 565, 96)),
}
ROLE_TITLES = {
    "subject_teacher": "Giáo viên bộ môn",
    "homeroom_teacher": "Giáo viên chủ nhiệm",
    "principal": "Hiệu trưởng",
    "vice_principal": "Phó Hiệu trưởng",
    "school_seal": "Thủ trưởng đơn vị",
}


class HocbasoSignableMixin(models.AbstractModel):
    """A document issued as PDF + XML from one frozen snapshot and signed role after role."""

    _name = "hocbaso.signable.mixin"
    _description = "Signed document (PDF + XML renditions)"

    snapshot_json = fields.Text("Snapshot", readonly=True, copy=False)
    snapshot_sha256 = fields.Char("Snapshot SHA-256", readonly=True, copy=False, index=True)
    document_ref = fields.Char("Document reference", readonly=True, copy=False, index=True)
    xml_schema_id = fields.Many2one("hocbaso.xml.schema", "XML schema version", readonly=True, copy=False)
    pdf_file = fields.Binary("PDF", attachment=True, readonly=True, copy=False)
    pdf_filename = fields.Char("PDF file name", compute="_compute_filenames")
    xml_file = fields.Binary("XML", attachment=True, readonly=True, copy=False)
    xml_filename = fields.Char("XML file name", compute="_compute_filenames")
    rendition_date = fields.Datetime("Rendered on", readonly=True, copy=False)
    signed_roles = fields.Char("Signed roles", readonly=True, copy=False,
                               help="Comma-separated roles whose signatures the current renditions carry.")
    signature_count = fields.Integer("Signatures", compute="_compute_signature_count")

    def _compute_filenames(self):
        for rec in self:
            base = (rec.document_ref or "hocba").replace("/", "-")
            rec.pdf_filename = f"{base}.pdf"
            rec.xml_filename = f"{base}.xml"

    def _compute_signature_count(self):
        groups = self.env["hocbaso.signature"].sudo()._read_group(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("active", "=", True)], ["res_id"], ["__count"])
        counts = dict(groups)
        for rec in self:
            rec.signature_count = counts.get(rec.id, 0)

    # ------------------------------------------------------------------ to implement by documents
    def _hocbaso_snapshot(self):
        raise NotImplementedError

    def _hocbaso_expected_roles(self):
        raise NotImplementedError

    def _hocbaso_report_xmlid(self):
        raise NotImplementedError

    def _hocbaso_school_year(self):
        raise NotImplementedError

    def _hocbaso_engine(self):
        """Writer of the workflow and rendition fields (see ENGINE)."""
        return self.sudo().with_context(hocbaso_engine=ENGINE)

    # ------------------------------------------------------------------ helpers
    def _hocbaso_roles_done(self):
        self.ensure_one()
        return [r for r in (self.signed_roles or "").split(",") if r]

    def _hocbaso_schema(self):
        schema = self._hocbaso_school_year().xml_schema_id or self.env["hocbaso.xml.schema"].search([], limit=1)
        if not schema:
            raise UserError(_("No XML schema version is configured: the document cannot be issued."))
        return schema

    def _hocbaso_schema_used(self):
        """The schema version the current XML rendition was produced with."""
        self.ensure_one()
        return self.xml_schema_id or self._hocbaso_schema()

    @api.model
    def _hocbaso_rule_error(self, err):
        return UserError(err.translate(self.env.lang) if isinstance(err, RuleError) else str(err))

    def _hocbaso_doc_lang(self, record):
        """Records in the document's language (Vietnamese) when it is installed."""
        lang = "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else self.env.lang
        return record.with_context(lang=lang)

    def get_snapshot(self):
        self.ensure_one()
        return json.loads(self.snapshot_json) if self.snapshot_json else None

    # ------------------------------------------------------------------ renditions
    def action_render_renditions(self):
        """Freeze the snapshot and produce both renditions (batched PDF rendering)."""
        self.check_access("read")
        signed = self.filtered(lambda r: r._hocbaso_roles_done())
        if signed:
            raise UserError(_("%(name)s is already signed: its renditions are frozen.", name=signed[0].display_name))
        snapshots = {}
        for rec in self:
            snap = rec.sudo()._hocbaso_snapshot()  # access checked above; staff names are HR data
            schema = rec._hocbaso_schema()
            snap["schema_version"] = schema.version
            snapshots[rec.id] = snap
        pdfs = self._hocbaso_render_pdfs(snapshots)
        now = fields.Datetime.now()
        for rec in self:
            snap = snapshots[rec.id]
            sha = snapshot_tools.sha256(snap)
            schema = rec._hocbaso_schema()
            try:
                schema_dir = schema._directory()
                xml = xml_document.render(snap, schema_dir)
                xml_document.validate(xml, schema_dir)
                roles = rec._hocbaso_expected_roles()
                # The last signature (school seal) locks the document: its field carries the lock.
                pdf = pdf_sign.add_signature_fields(pdfs[rec.id], [
                    (ROLE_FIELDS[role][0], -1, ROLE_FIELDS[role][1],
                     {"lock": role == roles[-1] and len(roles) > 1, "label": ROLE_TITLES[role]})
                    for role in roles
                ], document_id=snap["document_id"], snapshot_sha256=sha)
            except RuleError as err:
                raise rec._hocbaso_rule_error(err) from err
            rec._hocbaso_engine().write({
                "snapshot_json": snapshot_tools.canonical_bytes(snap).decode(),
                "snapshot_sha256": sha,
                "document_ref": snap["document_id"],
                "xml_schema_id": schema.id,
                "pdf_file": base64.b64encode(pdf),
                "xml_file": base64.b64encode(xml),
                "rendition_date": now,
                "signed_roles": False,
            })
        return True

    def _hocbaso_render_pdfs(self, snapshots):
        """Render all PDFs with ONE wkhtmltopdf run; returns {record id: pdf bytes}.

        The page is self-contained (inline style, QR code as data URI): wkhtmltopdf fetches nothing from the
        server. The batch PDF is then cut per document.
        """
        report = self.env.ref(self._hocbaso_report_xmlid())
        values = self.env[f"report.{report.report_name}"]._get_report_values(self.ids, {"snapshots": snapshots})
        html = self.env["ir.qweb"]._render(report.report_name, values)
        batch = html_to_pdf(html, report.paperformat_id)
        if batch is None:
            raise UserError(_("The PDF renditions could not be produced (wkhtmltopdf failed)."))
        reader = PdfFileReader(io.BytesIO(batch))
        # A document may take more than one page: each one starts on a new page that prints its
        # document reference (under the QR code), which tells where to cut.
        refs = {snapshots[rec.id]["document_id"]: rec.id for rec in self}
        pages_of, current = {}, None
        if len(reader.pages) == len(self):  # the common case: one page each, no text extraction needed
            pages_of = {rec.id: [page] for rec, page in zip(self, reader.pages, strict=True)}
        for page in reader.pages if not pages_of else ():
            text = (page.extract_text() or "").replace("\n", "")
            found = next((ref for ref in refs if ref in text), None)
            current = refs[found] if found and refs[found] not in pages_of else current
            if current is None:
                raise UserError(_("The PDF renditions could not be split per document."))
            pages_of.setdefault(current, []).append(page)
        if set(pages_of) != set(self.ids):
            raise UserError(_("The PDF renditions could not be split per document."))
        result = {}
        for rec in self:
            writer = PdfFileWriter()
            for page in pages_of[rec.id]:
                writer.add_page(page)
            writer.add_metadata({"/Title": snapshots[rec.id]["document_id"], "/Producer": "Học bạ số"})
            buf = io.BytesIO()
            writer.write(buf)
            result[rec.id] = buf.getvalue()
        return result

    # ------------------------------------------------------------------ signing
    def _hocbaso_sign(self, role, backend, certificate=None, meta=None, on_behalf=None):
        """Sign both renditions of every record in ``self`` for ``role``: one backend confirmation."""
        prepared = self._hocbaso_prepare_signing(role, backend.certificate, backend.chain, certificate, meta)
        digests = [d for item in prepared for d in (item["pdf"].digest, item["xml"].digest)]
        signatures = backend.sign_digests(digests)
        return self._hocbaso_finish_signing(prepared, signatures, role, certificate=certificate, meta=meta,
                                            on_behalf=on_behalf)

    def _hocbaso_prepare_signing(self, role, cert, chain, certificate=None, meta=None):
        """Phase 1: the digests to sign (PDF signed attributes, XML SignedInfo) of every record, in order."""
        self.check_access("read")
        meta = dict(meta or {})
        if certificate and certificate._x509() and certificate._x509() != cert:
            raise UserError(_("The key does not belong to certificate %(name)s.", name=certificate.name))
        now = dt.datetime.now(dt.UTC)
        trust_roots = self.env["hocbaso.certificate"]._trust_roots()  # once per batch, not per document
        prepared = []
        for rec in self:
            if role not in rec._hocbaso_expected_roles():
                raise UserError(_("%(name)s has no signature for this role.", name=rec.display_name))
            if role in rec._hocbaso_roles_done():
                raise UserError(_("%(name)s is already signed for this role.", name=rec.display_name))
            if not rec.pdf_file or not rec.xml_file:
                rec.action_render_renditions()
            year = rec._hocbaso_school_year()
            pdf_meta = {
                # Document content, in the document's language (Vietnamese) whatever the user's language.
                "reason": meta.get("reason") or f"{ROLE_TITLES.get(role, role)} ký xác nhận",
                "location": rec._hocbaso_place(),
                "name": meta.get("name"),
                "role": role,
                "role_label": meta.get("role_label") or ROLE_TITLES.get(role, role),
                "lock": len(rec._hocbaso_expected_roles()) > 1 and role == rec._hocbaso_expected_roles()[-1],
                "level": year.pades_level or "B-B",
                "timestamp_url": year.tsa_url or None,
                "trust_roots": trust_roots,
            }
            try:
                pdf_prep = pdf_sign.prepare(base64.b64decode(rec.with_context(bin_size=False).pdf_file),
                                            ROLE_FIELDS[role][0], cert, chain, pdf_meta)
                xml_prep = xmldsig.prepare(base64.b64decode(rec.with_context(bin_size=False).xml_file), role,
                                           cert, chain, signing_time=now,
                                           schema_dir=rec._hocbaso_schema_used()._directory())
            except RuleError as err:
                raise rec._hocbaso_rule_error(err) from err
            prepared.append({"record": rec, "pdf": pdf_prep, "xml": xml_prep, "time": now})
        return prepared

    def _hocbaso_finish_signing(self, prepared, signatures, role, certificate=None, meta=None, on_behalf=None):
        """Phase 2: inject the signature values (two per record: PDF, XML), store, log."""
        meta = dict(meta or {})
        log_vals = []
        for i, item in enumerate(prepared):
            rec, pdf_prep, xml_prep = item["record"], item["pdf"], item["xml"]
            cert = xml_prep.signer_cert
            try:
                pdf = pdf_sign.finish(pdf_prep, signatures[2 * i], timestamp_url=pdf_prep.timestamp_url)
                xml = xmldsig.finish(xml_prep, signatures[2 * i + 1])
            except RuleError as err:
                raise rec._hocbaso_rule_error(err) from err
            # The renditions are engine output, not user input: written as superuser once the checks passed.
            rec._hocbaso_engine().write({
                "pdf_file": base64.b64encode(pdf),
                "xml_file": base64.b64encode(xml),
                "signed_roles": ",".join([*rec._hocbaso_roles_done(), role]),
            })
            log_vals.append({
                "res_model": rec._name, "res_id": rec.id, "document_id": rec.document_ref, "role": role,
                "certificate_id": certificate.id if certificate else False,
                "signer_name": meta.get("name") or cert.subject.rfc4514_string(),
                "certificate_serial": format(cert.serial_number, "x"),
                "signing_time": item["time"].replace(tzinfo=None),
                "on_behalf": on_behalf or False, "snapshot_sha256": rec.snapshot_sha256,
                "pdf_sha256": hashlib.sha256(pdf).hexdigest(), "xml_sha256": hashlib.sha256(xml).hexdigest(),
                "company_id": rec.company_id.id,
                "pdf_file": base64.b64encode(pdf), "xml_file": base64.b64encode(xml),
            })
        return self.env["hocbaso.signature"].sudo().create(log_vals)

    def _hocbaso_school_snapshot(self):
        company = self.company_id
        return {"name": company.name, "code": company.hocbaso_school_code or "",
                "department_code": company.hocbaso_department_code or "", "place_name": self._hocbaso_place()}

    def _hocbaso_place(self):
        return self.company_id.hocbaso_place_name or self.company_id.city or ""

    def action_download_pdf(self):
        self.ensure_one()
        return self._hocbaso_download("pdf_file", self.pdf_filename)

    def action_download_xml(self):
        self.ensure_one()
        return self._hocbaso_download("xml_file", self.xml_filename)

    def _hocbaso_download(self, field, filename):
        if not self[field]:
            raise UserError(_("There is no rendition yet."))
        return {"type": "ir.actions.act_url", "target": "self",
                "url": f"/web/content/{self._name}/{self.id}/{field}/{filename}?download=true"}
