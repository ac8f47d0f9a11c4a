from odoo import _, fields, models
from odoo.addons.hocbaso_core.tools import personal_id as pid
from odoo.addons.hocbaso_core.tools import tt27
from odoo.exceptions import UserError

from .hocbaso_signable_mixin import ROLE_TITLES


def _levels(line):
    return {p: line[f"level_{p}"] or None for p in tt27.POINTS}


# Transcript fields printed on the signed page: frozen once a signature covers them (for every user, admin
# included). Internal notes, the workflow state and the renditions written by the signing engine stay writable.
LOCKED_FIELDS = {
    "student_id", "class_id", "homeroom_comment", "commendation", "commendation_note", "reassessment_result",
    "reassessment_date", "reassessment_comment", "promotion",
}


class HocbasoTranscript(models.Model):
    _name = "hocbaso.transcript"
    _inherit = ["hocbaso.transcript", "hocbaso.signable.mixin"]

    def write(self, vals):
        locked = set(vals) & LOCKED_FIELDS
        signed = self.filtered("signed_roles") if locked else self.browse()
        if signed:
            raise UserError(_("%(name)s is signed: %(fields)s can no longer change; a correction creates a new "
                              "version.", name=signed[0].name, fields=", ".join(
                                  sorted(self._fields[f]._description_string(self.env) for f in locked))))
        return super().write(vals)

    def unlink(self):
        if self.filtered("signed_roles"):
            raise UserError(_("A signed transcript cannot be deleted."))
        return super().unlink()

    subject_sheet_ids = fields.Many2many("hocbaso.subject.sheet", compute="_compute_subject_sheets",
                                         string="Subject sheets")

    def _compute_subject_sheets(self):
        for rec in self:
            rec.subject_sheet_ids = self.env["hocbaso.subject.sheet"].search([("class_id", "=", rec.class_id.id)])

    def _hocbaso_expected_roles(self):
        return ["homeroom_teacher", "principal", "school_seal"]

    def _hocbaso_report_xmlid(self):
        return "hocbaso_signing.action_report_year_page"

    def _hocbaso_school_year(self):
        return self.school_year_id

    def _hocbaso_snapshot(self):
        self.ensure_one()
        company, student, klass = self.company_id, self.student_id, self.class_id
        principal = company.hocbaso_principal_id
        sheets = {s.subject_id.id: s for s in self.subject_sheet_ids if s.state == "signed"}
        subjects = []
        for line in self.subject_result_ids.sorted(lambda r: (r.subject_id.sequence, r.id)):
            scores = {p: line.score_value(p) for p in tt27.POINTS if line.score_value(p) is not None}
            subjects.append({
                "code": line.subject_id.code, "name": self._hocbaso_doc_lang(line.subject_id).name,
                "teacher": line.teacher_id.name or "", "levels": _levels(line), "scores": scores,
                "comment": line.comment or "",
            })
        competencies = [{
            "code": line.competency_id.code, "name": self._hocbaso_doc_lang(line.competency_id).name,
            "kind": line.competency_id.kind, "levels": _levels(line), "comment": line.comment or "",
        } for line in self.competency_result_ids.sorted(lambda r: (r.competency_id.sequence, r.id))]
        return {
            "kind": "year_page",
            "document_id": f"HB-{company.hocbaso_school_code or company.id}-{self.school_year_id.name}-"
                           f"{student.student_code or student.id}-v1",
            "version": 1,
            "school": self._hocbaso_school_snapshot(),
            "school_year": self.school_year_id.name,
            "student": {
                "code": student.student_code or "", "personal_id": student.personal_id or "",
                "full_name": student.name, "birthdate": student.birthdate.isoformat(), "gender": student.gender,
                "sex_code": int(pid.sex_code(student.gender)), "ethnicity": student.ethnicity or "",
                "nationality": student.nationality_id.code or "VN", "father_name": student.father_name or "",
                "mother_name": student.mother_name or "", "guardian_name": student.guardian_name or "",
            },
            "class": {"name": klass.name, "grade": klass.grade, "homeroom_teacher": klass.homeroom_teacher_id.name or ""},
            "subjects": subjects,
            "competencies": competencies,
            "result": self.result or None,
            "reassessment_result": self.reassessment_result or None,
            "final_result": self.final_result or None,
            "completed_grade": self.completed_grade,
            "completed_primary": self.completed_primary,
            "promoted": self.promotion == "promoted",
            "commendation": self.commendation or None,
            "commendation_note": self.commendation_note or "",
            "homeroom_comment": self.homeroom_comment or "",
            "place": self._hocbaso_place(),
            "date": fields.Date.context_today(self).isoformat(),
            "signers": [
                {"role": "homeroom_teacher", "name": klass.homeroom_teacher_id.name or "",
                 "title": ROLE_TITLES["homeroom_teacher"]},
                {"role": "principal", "name": principal.name or "", "title": ROLE_TITLES["principal"]},
                {"role": "school_seal", "name": company.name, "title": ROLE_TITLES["school_seal"]},
            ],
            "subject_sheets": [
                {"subject": s.subject_id.code, "document_id": s.document_ref, "sha256": s.snapshot_sha256}
                for s in sorted(sheets.values(), key=lambda s: s.subject_id.sequence)
            ],
        }
