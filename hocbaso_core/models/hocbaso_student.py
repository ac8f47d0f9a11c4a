from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import personal_id as pid
from ..tools.errors import RuleError

STUDENT_STATUSES = [
    ("dang_hoc", "Studying"),
    ("chuyen_den", "Transferred in"),
    ("chuyen_di", "Transferred out"),
    ("thoi_hoc", "Dropped out"),
    ("hoc_lai", "Returned after leaving"),
    ("bao_luu", "Enrolment suspended"),
    ("tam_nghi", "Temporarily absent"),
    ("luu_ban", "Repeating the grade"),
]
ACTIVE_STATUSES = ("dang_hoc", "chuyen_den", "hoc_lai", "tam_nghi", "luu_ban")
ID_CHECK_STATES = [
    ("unchecked", "Not checked"),
    ("valid_format", "Valid format"),
    ("matched", "Matched"),
    ("mismatch", "Mismatch"),
    ("not_found", "Not found"),
]


class HocbasoStudent(models.Model):
    _name = "hocbaso.student"
    _description = "Pupil"
    _inherits = {"res.partner": "partner_id"}
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name"

    partner_id = fields.Many2one("res.partner", "Partner record", required=True, ondelete="restrict", index=True)
    personal_id = fields.Char("Personal ID", size=12, tracking=True, copy=False,
                              help="12-digit personal identification number (số định danh cá nhân).")
    student_code = fields.Char("Pupil code (sector)", tracking=True, copy=False, index=True,
                               help="Mã học sinh in the education sector database.")
    birthdate = fields.Date("Date of birth", required=True, tracking=True)
    gender = fields.Selection([("male", "Male"), ("female", "Female")], "Gender", required=True, tracking=True)
    ethnicity = fields.Char("Ethnicity", default="Kinh")
    nationality_id = fields.Many2one("res.country", "Nationality", default=lambda self: self.env.ref("base.vn"))
    disability = fields.Char("Disability type")
    father_name = fields.Char("Father's full name")
    mother_name = fields.Char("Mother's full name")
    guardian_name = fields.Char("Guardian's full name")
    parent_ids = fields.Many2many("res.partner", "hocbaso_student_parent_rel", "student_id", "partner_id",
                                  "Parents (portal)")
    status = fields.Selection(STUDENT_STATUSES, "Status", default="dang_hoc", required=True, tracking=True)
    status_date = fields.Date("Status date")
    class_ids = fields.Many2many("hocbaso.class", "hocbaso_class_student_rel", "student_id", "class_id",
                                 "Class history")
    current_class_id = fields.Many2one("hocbaso.class", "Current class", compute="_compute_current_class",
                                       store=True, index=True)
    grade = fields.Integer(related="current_class_id.grade", string="Grade", store=True)
    transcript_ids = fields.One2many("hocbaso.transcript", "student_id", "Transcripts")
    id_check_state = fields.Selection(ID_CHECK_STATES, "ID check", default="unchecked", required=True,
                                      tracking=True, copy=False)
    id_check_note = fields.Char("ID check note", copy=False)

    @api.depends("class_ids", "class_ids.school_year_id.date_start")
    def _compute_current_class(self):
        for student in self:
            student.current_class_id = student.class_ids.sorted(
                lambda c: c.school_year_id.date_start or fields.Date.today(), reverse=True
            )[:1]

    # ------------------------------------------------------------------ personal ID
    def _validate_personal_id(self, value, birthdate, gender):
        try:
            return pid.validate(value, birthdate=birthdate, gender=gender)
        except RuleError as err:
            raise ValidationError(err.translate(self.env.lang)) from err

    @api.model
    def _prepare_id_vals(self, vals, record=None):
        if "personal_id" not in vals and not (record and {"birthdate", "gender"} & set(vals)):
            return vals
        value = vals.get("personal_id", record.personal_id if record else False)
        if not value:
            if "personal_id" in vals:
                vals.update(personal_id=False, id_check_state="unchecked")
            return vals
        birthdate = fields.Date.to_date(vals.get("birthdate", record.birthdate if record else False))
        gender = vals.get("gender", record.gender if record else False)
        normalized = self._validate_personal_id(value, birthdate, gender)
        if "personal_id" in vals:
            vals["personal_id"] = normalized
            if not record or record.personal_id != normalized:
                vals.setdefault("id_check_state", "valid_format")
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("company_id", self.env.company.id)
            self._prepare_id_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        if "personal_id" in vals or {"birthdate", "gender"} & set(vals):
            for student in self:
                super(HocbasoStudent, student).write(self._prepare_id_vals(dict(vals), student))
            return True
        return super().write(vals)

    @api.constrains("personal_id", "status", "company_id")
    def _check_personal_id_unique(self):
        for student in self.filtered(lambda s: s.personal_id and s.status in ACTIVE_STATUSES):
            duplicate = self.sudo().search([
                ("id", "!=", student.id), ("personal_id", "=", student.personal_id),
                ("company_id", "=", student.company_id.id), ("status", "in", ACTIVE_STATUSES),
            ], limit=1)
            if duplicate:
                raise ValidationError(
                    _("Personal ID %(id)s is already used by pupil %(other)s of this school.",
                      id=student.personal_id, other=duplicate.name)
                )

    @api.constrains("birthdate")
    def _check_birthdate(self):
        today = fields.Date.context_today(self)
        for student in self:
            if student.birthdate and (student.birthdate > today or student.birthdate.year < 2000):
                raise ValidationError(
                    _("The date of birth %(date)s is not plausible for a primary pupil.",
                      date=student.birthdate.strftime("%d/%m/%Y"))
                )

    def action_check_id_format(self):
        """Re-check the ID format of the selected pupils (offline rules)."""
        for student in self:
            if not student.personal_id:
                student.write({"id_check_state": "unchecked", "id_check_note": _("No personal ID.")})
                continue
            try:
                pid.validate(student.personal_id, birthdate=student.birthdate, gender=student.gender)
            except RuleError as err:
                student.write({"id_check_state": "mismatch", "id_check_note": err.translate(self.env.lang)})
            else:
                if student.id_check_state in ("unchecked", "mismatch"):
                    student.write({"id_check_state": "valid_format", "id_check_note": False})
        return True
