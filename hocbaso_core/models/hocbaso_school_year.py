import re
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

YEAR_NAME_RE = re.compile(r"^(\d{4})-(\d{4})$")


class HocbasoSchoolYear(models.Model):
    _name = "hocbaso.school.year"
    _description = "School year"
    _order = "date_start desc"

    name = fields.Char("School year", required=True, help="For example 2025-2026.")
    date_start = fields.Date("Start date", required=True)
    date_end = fields.Date("End date", required=True)
    sign_deadline = fields.Date(
        "Signing deadline", compute="_compute_deadlines", store=True, readonly=False,
        help="All pupils who completed the grade signed and issued by this date (default 15 June).",
    )
    sync_deadline = fields.Date(
        "Sync deadline", compute="_compute_deadlines", store=True, readonly=False,
        help="All packages synced to the sector database by this date (default 20 August).",
    )
    id_match_target = fields.Float("ID match target (%)", default=98.0)
    company_id = fields.Many2one("res.company", "School", required=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    class_ids = fields.One2many("hocbaso.class", "school_year_id", "Classes")
    class_count = fields.Integer("Number of classes", compute="_compute_counts")
    transcript_count = fields.Integer("Number of transcripts", compute="_compute_counts")

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "This school year already exists for this school."
    )

    @api.depends("date_end")
    def _compute_deadlines(self):
        for year in self:
            end_year = year.date_end.year if year.date_end else None
            if end_year and not year.sign_deadline:
                year.sign_deadline = date(end_year, 6, 15)
            if end_year and not year.sync_deadline:
                year.sync_deadline = date(end_year, 8, 20)

    def _compute_counts(self):
        classes = self.env["hocbaso.class"]._read_group([("school_year_id", "in", self.ids)], ["school_year_id"], ["__count"])
        class_map = {year.id: count for year, count in classes}
        transcripts = self.env["hocbaso.transcript"]._read_group(
            [("school_year_id", "in", self.ids)], ["school_year_id"], ["__count"]
        )
        transcript_map = {year.id: count for year, count in transcripts}
        for year in self:
            year.class_count = class_map.get(year.id, 0)
            year.transcript_count = transcript_map.get(year.id, 0)

    @api.constrains("name", "date_start", "date_end")
    def _check_dates(self):
        for year in self:
            match = YEAR_NAME_RE.match(year.name or "")
            if not match or int(match.group(2)) != int(match.group(1)) + 1:
                raise ValidationError(_("The school year must be written as two consecutive years, e.g. 2025-2026."))
            if year.date_start >= year.date_end:
                raise ValidationError(_("The school year must start before it ends."))
            if year.date_start.year != int(match.group(1)) or year.date_end.year != int(match.group(2)):
                raise ValidationError(
                    _("The dates of school year %(name)s must fall in %(first)s and %(second)s.",
                      name=year.name, first=match.group(1), second=match.group(2))
                )

    @api.constrains("sign_deadline", "sync_deadline", "date_start")
    def _check_deadlines(self):
        for year in self:
            if year.sign_deadline and year.sign_deadline < year.date_start:
                raise ValidationError(_("The signing deadline cannot be before the start of the school year."))
            if year.sign_deadline and year.sync_deadline and year.sync_deadline < year.sign_deadline:
                raise ValidationError(_("The sync deadline cannot be before the signing deadline."))
