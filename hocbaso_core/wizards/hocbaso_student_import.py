import base64

from markupsafe import Markup, escape

from odoo import _, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import student_import
from ..tools.errors import RuleError


class _RowFailed(Exception):
    """Raised inside the import savepoint to roll back everything when a row fails in the database."""


class HocbasoStudentImport(models.TransientModel):
    """Import pupils and classes from the sector database export (C1-HocSinh, xlsx): all rows or nothing."""

    _name = "hocbaso.student.import"
    _description = "Import pupils from the sector database export"

    school_year_id = fields.Many2one("hocbaso.school.year", "School year", required=True,
                                     default=lambda self: self.env["hocbaso.school.year"].search([], limit=1))
    file = fields.Binary("Export file (xlsx)", required=True)
    filename = fields.Char("File name")
    state = fields.Selection([("upload", "Upload"), ("errors", "Errors"), ("done", "Done")], default="upload")
    error_report = fields.Html("Errors", readonly=True, sanitize=False)
    error_count = fields.Integer("Number of errors", readonly=True)
    summary = fields.Text("Summary", readonly=True)

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": _("Import pupils")}

    def _report(self, errors):
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>") % (row or "", column or "", message)
            for row, column, message in errors
        )
        head = Markup("<tr><th>%s</th><th>%s</th><th>%s</th></tr>") % (_("Row"), _("Column"), _("Error"))
        self.write({
            "state": "errors", "error_count": len(errors),
            "error_report": Markup('<table class="table table-sm"><thead>%s</thead><tbody>%s</tbody></table>') % (
                head, rows),
        })
        return self._reopen()

    def action_import(self):
        self.ensure_one()
        try:
            data = base64.b64decode(self.file or b"")
            parsed = student_import.parse_workbook(data, lang=self.env.lang)
        except RuleError as err:
            raise UserError(err.translate(self.env.lang)) from err
        if parsed.errors:
            return self._report(parsed.errors)
        if not parsed.rows:
            raise UserError(_("The file contains no pupil rows."))
        errors = []
        created = updated = 0
        try:
            with self.env.cr.savepoint():
                created, updated = self._apply_rows(parsed.rows, errors)
                if errors:
                    raise _RowFailed()
        except _RowFailed:
            return self._report(errors)
        self.write({"state": "done", "summary": _(
            "%(rows)s rows imported: %(created)s new pupils, %(updated)s updated.",
            rows=len(parsed.rows), created=created, updated=updated)})
        return self._reopen()

    def _apply_rows(self, rows, errors):
        year = self.school_year_id
        company = year.company_id
        Class = self.env["hocbaso.class"]
        Student = self.env["hocbaso.student"]
        classes = {c.name: c for c in Class.search([("school_year_id", "=", year.id)])}
        for row in rows:
            klass = classes.get(row["class_code"])
            if not klass:
                classes[row["class_code"]] = Class.create({
                    "name": row["class_code"], "code": row["class_code"], "grade": row["grade"],
                    "school_year_id": year.id, "company_id": company.id,
                })
            elif klass.grade != row["grade"]:
                errors.append((row["row"], "Mã lớp", _("Class %(klass)s is grade %(grade)s.", klass=klass.name,
                                                          grade=klass.grade)))
        created = updated = 0
        for row in rows:
            try:
                with self.env.cr.savepoint():
                    klass = classes[row["class_code"]]
                    vals = {
                        "name": row["name"], "student_code": row["student_code"], "birthdate": row["birthdate"],
                        "gender": row["gender"], "status": row["status"] or "dang_hoc",
                        "status_date": row["status_date"] or False, "ethnicity": row["ethnicity"] or "Kinh",
                        "disability": row["disability"] or False, "personal_id": row["personal_id"] or False,
                    }
                    student = Student.search([("student_code", "=", row["student_code"]),
                                              ("company_id", "=", company.id)], limit=1)
                    if student:
                        student.write(vals)
                        updated += 1
                    else:
                        student = Student.create(dict(vals, company_id=company.id))
                        created += 1
                    other = student.class_ids.filtered(lambda c, k=klass: c.school_year_id == year and c != k)
                    if other:
                        other.write({"student_ids": [(3, student.id)]})
                    klass.write({"student_ids": [(4, student.id)]})
            except (ValidationError, UserError) as err:
                errors.append((row["row"], "", escape(str(err.args[0] if err.args else err))))
        return created, updated
