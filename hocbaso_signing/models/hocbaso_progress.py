"""Signing progress of the school for the steering committee (Ban chỉ đạo): one row per class.

Read-only SQL view. Counting rules (shared with :mod:`.hocbaso_progress_teacher` and the xlsx export):

* year pages: the *active* transcripts of the class (a version superseded by a correction is not counted);
* expected subject sheets: one per distinct subject of the result lines of those pages (the sheets
  themselves are created lazily, so a class without any sheet row yet shows 0 % signed);
* signed sheets: expected sheets whose ``hocbaso.subject.sheet`` row is ``signed``;
* ID problems: pupils of the class whose ID check is not ``matched`` or who have no personal ID;
* days left: signing deadline of the school year minus today in the school's time zone (the company
  partner's, Asia/Ho_Chi_Minh when unset); negative once the deadline has passed.

Rates: the columns hold the rate of the class; when rows are grouped (list group rows, pivot, graph) the
rate is recomputed from the summed counts (weighted: ``100 × Σ signed / Σ expected``), not averaged over
classes (see :meth:`HocbasoProgress._read_group_select`).
"""

from odoo import api, fields, models, tools
from odoo.tools import SQL

# "Today" of the school: the DB clock in the school's time zone (schools are in Vietnam by default).
SCHOOL_TODAY_SQL = "(now() AT TIME ZONE COALESCE(NULLIF(school_partner.tz, ''), 'Asia/Ho_Chi_Minh'))::date"
SCHOOL_PARTNER_JOIN = """
    JOIN res_company school ON school.id = c.company_id
    LEFT JOIN res_partner school_partner ON school_partner.id = school.partner_id
"""


class HocbasoProgress(models.Model):
    _name = "hocbaso.progress"
    _description = "Signing progress by class"
    _auto = False
    _order = "school_year_id desc, grade, class_id"
    _rec_name = "class_id"
    # ORM changes to flush before the view is read
    _depends = {
        "hocbaso.class": ["company_id", "school_year_id", "grade", "homeroom_teacher_id", "active", "student_ids"],
        "hocbaso.school.year": ["sign_deadline"],
        "hocbaso.transcript": ["class_id", "state", "active"],
        "hocbaso.subject.result": ["transcript_id", "subject_id"],
        "hocbaso.subject.sheet": ["class_id", "subject_id", "state"],
        "hocbaso.student": ["id_check_state", "personal_id"],
        "res.company": ["partner_id"],
        "res.partner": ["tz"],
    }

    # (numerator, denominator) of the rates recomputed when rows are aggregated
    _weighted_rates = {
        "sheet_signed_rate": ("sheets_signed", "sheets_expected"),
        "issued_rate": ("pages_issued", "pages"),
    }

    company_id = fields.Many2one("res.company", "School", readonly=True)
    school_year_id = fields.Many2one("hocbaso.school.year", "School year", readonly=True)
    grade = fields.Integer("Grade", readonly=True, aggregator=False)
    class_id = fields.Many2one("hocbaso.class", "Class", readonly=True)
    homeroom_teacher_id = fields.Many2one("hr.employee", "Homeroom teacher", readonly=True)
    sheets_expected = fields.Integer("Subject sheets expected", readonly=True)
    sheets_signed = fields.Integer("Subject sheets signed", readonly=True)
    sheet_signed_rate = fields.Float("Subject sheets signed (%)", digits=(16, 1), readonly=True, aggregator="avg",
                                     help="Grouped rows: share of all the sheets of the group (weighted).")
    pages = fields.Integer("Year pages", readonly=True)
    pages_draft = fields.Integer("Pages in data entry", readonly=True)
    pages_ready = fields.Integer("Pages ready to sign", readonly=True)
    pages_homeroom_signed = fields.Integer("Pages signed by homeroom teacher", readonly=True)
    pages_checked = fields.Integer("Pages checked", readonly=True)
    pages_principal_signed = fields.Integer("Pages signed by principal", readonly=True)
    pages_issued = fields.Integer("Pages issued", readonly=True)
    issued_rate = fields.Float("Pages issued (%)", digits=(16, 1), readonly=True, aggregator="avg",
                               help="Grouped rows: share of all the pages of the group (weighted).")
    id_problems = fields.Integer("Pupils with ID problems", readonly=True,
                                 help="Pupils whose personal ID is missing or not matched with the national "
                                      "population database.")
    sign_deadline = fields.Date("Signing deadline", readonly=True, aggregator="min")
    days_left = fields.Integer("Days left", readonly=True, aggregator="min",
                               help="Days until the signing deadline (negative: overdue). Grouped rows: the "
                                    "smallest value.")
    is_late = fields.Boolean("Late", readonly=True,
                             help="The signing deadline has passed and not every page of the class is issued.")

    @api.model
    def _school_today(self, company):
        """Today in ``company``'s time zone, as the views compute it (for ``days_left``)."""
        self.env["res.company"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["tz"])
        self.env.cr.execute(SQL(
            "SELECT %(today)s FROM res_company school LEFT JOIN res_partner school_partner "
            "ON school_partner.id = school.partner_id WHERE school.id = %(company)s",
            today=SQL(SCHOOL_TODAY_SQL), company=company.id,
        ))
        return self.env.cr.fetchone()[0]

    def _read_group_select(self, aggregate_spec, query):
        fname, _sep, func = aggregate_spec.partition(":")
        if func == "avg" and fname in self._weighted_rates:
            numerator, denominator = self._weighted_rates[fname]
            return SQL(
                "COALESCE(100.0 * SUM(%s) / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, numerator, query),
                self._field_to_sql(self._table, denominator, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE OR REPLACE VIEW %(table)s AS (
            WITH page AS (
                SELECT t.class_id,
                       COUNT(*) AS pages,
                       COUNT(*) FILTER (WHERE t.state = 'draft') AS pages_draft,
                       COUNT(*) FILTER (WHERE t.state = 'ready') AS pages_ready,
                       COUNT(*) FILTER (WHERE t.state = 'homeroom_signed') AS pages_homeroom_signed,
                       COUNT(*) FILTER (WHERE t.state = 'checked') AS pages_checked,
                       COUNT(*) FILTER (WHERE t.state = 'principal_signed') AS pages_principal_signed,
                       COUNT(*) FILTER (WHERE t.state = 'issued') AS pages_issued
                  FROM hocbaso_transcript t
                 WHERE t.active
              GROUP BY t.class_id
            ), expected AS (
                SELECT DISTINCT t.class_id, r.subject_id
                  FROM hocbaso_subject_result r
                  JOIN hocbaso_transcript t ON t.id = r.transcript_id AND t.active
            ), sheet AS (
                SELECT e.class_id,
                       COUNT(*) AS sheets_expected,
                       COUNT(*) FILTER (WHERE s.state = 'signed') AS sheets_signed
                  FROM expected e
             LEFT JOIN hocbaso_subject_sheet s ON s.class_id = e.class_id AND s.subject_id = e.subject_id
              GROUP BY e.class_id
            ), id_problem AS (
                SELECT rel.class_id, COUNT(DISTINCT st.id) AS id_problems
                  FROM hocbaso_class_student_rel rel
                  JOIN hocbaso_student st ON st.id = rel.student_id
                 WHERE st.id_check_state IS DISTINCT FROM 'matched' OR COALESCE(st.personal_id, '') = ''
              GROUP BY rel.class_id
            )
            SELECT c.id AS id,
                   c.id AS class_id,
                   c.company_id,
                   c.school_year_id,
                   c.grade,
                   c.homeroom_teacher_id,
                   COALESCE(sheet.sheets_expected, 0) AS sheets_expected,
                   COALESCE(sheet.sheets_signed, 0) AS sheets_signed,
                   CASE WHEN COALESCE(sheet.sheets_expected, 0) > 0
                        THEN 100.0 * sheet.sheets_signed / sheet.sheets_expected ELSE 0 END AS sheet_signed_rate,
                   COALESCE(page.pages, 0) AS pages,
                   COALESCE(page.pages_draft, 0) AS pages_draft,
                   COALESCE(page.pages_ready, 0) AS pages_ready,
                   COALESCE(page.pages_homeroom_signed, 0) AS pages_homeroom_signed,
                   COALESCE(page.pages_checked, 0) AS pages_checked,
                   COALESCE(page.pages_principal_signed, 0) AS pages_principal_signed,
                   COALESCE(page.pages_issued, 0) AS pages_issued,
                   CASE WHEN COALESCE(page.pages, 0) > 0
                        THEN 100.0 * page.pages_issued / page.pages ELSE 0 END AS issued_rate,
                   COALESCE(id_problem.id_problems, 0) AS id_problems,
                   y.sign_deadline,
                   y.sign_deadline - %(today)s AS days_left,
                   COALESCE(y.sign_deadline < %(today)s AND page.pages_issued < page.pages, FALSE) AS is_late
              FROM hocbaso_class c
              JOIN hocbaso_school_year y ON y.id = c.school_year_id
              %(school_join)s
         LEFT JOIN page ON page.class_id = c.id
         LEFT JOIN sheet ON sheet.class_id = c.id
         LEFT JOIN id_problem ON id_problem.class_id = c.id
             WHERE c.active
            )
            """,
            table=SQL.identifier(self._table),
            today=SQL(SCHOOL_TODAY_SQL),
            school_join=SQL(SCHOOL_PARTNER_JOIN),
        ))
