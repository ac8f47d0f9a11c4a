"""Subject sheets expected of each teacher: one row per class × subject of the active year pages' result lines.

The teacher is the one of the teaching assignment (class × subject), else the one stored on the sheet; rows
without any show up under an empty teacher. ``signed_rate`` is 100 on a signed row and 0 otherwise, so its
average over any group (aggregator ``avg``) is exactly the share of the group's sheets that are signed.
"""

from odoo import fields, models, tools
from odoo.tools import SQL

from .hocbaso_progress import SCHOOL_PARTNER_JOIN, SCHOOL_TODAY_SQL


class HocbasoProgressTeacher(models.Model):
    _name = "hocbaso.progress.teacher"
    _description = "Signing progress by teacher"
    _auto = False
    _order = "school_year_id desc, teacher_id, grade, class_id, subject_id"
    _rec_name = "subject_id"
    # ORM changes to flush before the view is read
    _depends = {
        "hocbaso.class": ["company_id", "school_year_id", "grade", "active"],
        "hocbaso.school.year": ["sign_deadline"],
        "hocbaso.transcript": ["class_id", "active"],
        "hocbaso.subject.result": ["transcript_id", "subject_id"],
        "hocbaso.subject.sheet": ["class_id", "subject_id", "state", "teacher_id"],
        "hocbaso.teaching.assignment": ["class_id", "subject_id", "teacher_id"],
        "res.company": ["partner_id"],
        "res.partner": ["tz"],
    }

    teacher_id = fields.Many2one("hr.employee", "Teacher", readonly=True)
    class_id = fields.Many2one("hocbaso.class", "Class", readonly=True)
    grade = fields.Integer("Grade", readonly=True, aggregator=False)
    subject_id = fields.Many2one("hocbaso.subject", "Subject", readonly=True)
    sheet_id = fields.Many2one("hocbaso.subject.sheet", "Subject sheet", readonly=True,
                               help="Empty while the sheet has not been created yet.")
    company_id = fields.Many2one("res.company", "School", readonly=True)
    school_year_id = fields.Many2one("hocbaso.school.year", "School year", readonly=True)
    signed = fields.Boolean("Signed", readonly=True)
    sheets_expected = fields.Integer("Subject sheets expected", readonly=True)
    sheets_signed = fields.Integer("Subject sheets signed", readonly=True)
    signed_rate = fields.Float("Subject sheets signed (%)", digits=(16, 1), readonly=True, aggregator="avg")
    sign_deadline = fields.Date("Signing deadline", readonly=True, aggregator="min")
    days_left = fields.Integer("Days left", readonly=True, aggregator="min",
                               help="Days until the signing deadline (negative: overdue).")
    is_late = fields.Boolean("Late", readonly=True, help="The signing deadline has passed and the sheet is not signed.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE OR REPLACE VIEW %(table)s AS (
            WITH expected AS (
                SELECT t.class_id, r.subject_id, MIN(r.id) AS id
                  FROM hocbaso_subject_result r
                  JOIN hocbaso_transcript t ON t.id = r.transcript_id AND t.active
              GROUP BY t.class_id, r.subject_id
            )
            SELECT e.id AS id,
                   COALESCE(a.teacher_id, s.teacher_id) AS teacher_id,
                   e.class_id,
                   c.grade,
                   e.subject_id,
                   s.id AS sheet_id,
                   c.company_id,
                   c.school_year_id,
                   COALESCE(s.state = 'signed', FALSE) AS signed,
                   1 AS sheets_expected,
                   CASE WHEN s.state = 'signed' THEN 1 ELSE 0 END AS sheets_signed,
                   CASE WHEN s.state = 'signed' THEN 100.0 ELSE 0.0 END AS signed_rate,
                   y.sign_deadline,
                   y.sign_deadline - %(today)s AS days_left,
                   COALESCE(y.sign_deadline < %(today)s AND s.state IS DISTINCT FROM 'signed', FALSE) AS is_late
              FROM expected e
              JOIN hocbaso_class c ON c.id = e.class_id
              JOIN hocbaso_school_year y ON y.id = c.school_year_id
              %(school_join)s
         LEFT JOIN hocbaso_teaching_assignment a ON a.class_id = e.class_id AND a.subject_id = e.subject_id
         LEFT JOIN hocbaso_subject_sheet s ON s.class_id = e.class_id AND s.subject_id = e.subject_id
             WHERE c.active
            )
            """,
            table=SQL.identifier(self._table),
            today=SQL(SCHOOL_TODAY_SQL),
            school_join=SQL(SCHOOL_PARTNER_JOIN),
        ))
