import dataclasses

from odoo import _, api, fields, models
from odoo.addons.hocbaso_core.tools import personal_id as pid
from odoo.addons.hocbaso_core.tools import tt27
from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.exceptions import UserError

from ..tools import cascade, crosscheck
from .hocbaso_cascade_mixin import HocbasoCascadeMixin
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
    _inherit = ["hocbaso.transcript", "hocbaso.signable.mixin", "hocbaso.cascade.mixin"]

    _hocbaso_engine_fields = frozenset({
        *HocbasoCascadeMixin._hocbaso_engine_fields, "version", "previous_version_id", "superseded_by_id", "correction_reason",
        "issued_date", "issued_late", "active", "checked_by_id", "checked_date",
    })

    def write(self, vals):
        locked = set(vals) & LOCKED_FIELDS
        signed = self.filtered("signed_roles") if locked else self.browse()
        if signed:
            raise UserError(_("%(name)s is signed: %(fields)s can no longer change; a correction creates a new "
                              "version.", name=signed[0].name, fields=", ".join(
                                  sorted(self._fields[f]._description_string(self.env) for f in locked))))
        return super().write(vals)

    def unlink(self):
        if self.filtered("signed_roles") or self.filtered("previous_version_id") or self.with_context(
                active_test=False).search_count([("previous_version_id", "in", self.ids)]):
            raise UserError(_("A signed transcript cannot be deleted."))
        return super().unlink()

    active = fields.Boolean("Active", default=True, copy=False,
                            help="Unset on a version superseded by a correction (kept signed, out of daily lists).")
    version = fields.Integer("Version", default=1, readonly=True, copy=False, required=True)
    previous_version_id = fields.Many2one("hocbaso.transcript", "Previous version", readonly=True, copy=False,
                                          index="btree_not_null")
    superseded_by_id = fields.Many2one("hocbaso.transcript", "Superseded by", readonly=True, copy=False,
                                       index="btree_not_null")
    correction_reason = fields.Text("Reason for the correction", readonly=True, copy=False)
    issued_date = fields.Date("Issued on", readonly=True, copy=False, tracking=True)
    issued_late = fields.Boolean("Issued after the deadline", readonly=True, copy=False)
    checked_by_id = fields.Many2one("res.users", "Checked by", readonly=True, copy=False)
    checked_date = fields.Datetime("Checked on", readonly=True, copy=False)
    finding_ids = fields.One2many("hocbaso.finding", "transcript_id", "Cross-check findings")
    blocking_count = fields.Integer("Open blocking findings", compute="_compute_finding_counts")
    warning_count = fields.Integer("Open warnings", compute="_compute_finding_counts")

    subject_result_ids = fields.One2many(context={"active_test": False})
    competency_result_ids = fields.One2many(context={"active_test": False})

    _student_year_uniq = models.Constraint(
        "UNIQUE(student_id, school_year_id, version)", "A pupil has one transcript per school year and version."
    )

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
                           f"{student.student_code or student.id}-v{self.version}",
            "version": self.version,
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

    # ================================================================== approval cascade
    def _compute_finding_counts(self):
        groups = self.env["hocbaso.finding"].sudo()._read_group(
            [("transcript_id", "in", self.ids), ("state", "=", "open")], ["transcript_id", "severity"], ["__count"])
        counts = {(t.id, sev): n for t, sev, n in groups}
        for rec in self:
            rec.blocking_count = counts.get((rec.id, crosscheck.BLOCKING), 0)
            rec.warning_count = counts.get((rec.id, crosscheck.WARNING), 0)

    def _hocbaso_signed_sheet_keys(self):
        """{(class id, subject id)} of the signed subject sheets of the classes of ``self``."""
        sheets = self.env["hocbaso.subject.sheet"].sudo().search(
            [("class_id", "in", self.class_id.ids), ("state", "=", "signed")])
        return {(s.class_id.id, s.subject_id.id) for s in sheets}

    def _hocbaso_context(self, blocking=0, sheets_all_signed=None):
        self.ensure_one()
        if sheets_all_signed is None:
            signed = self._hocbaso_signed_sheet_keys()
            sheets_all_signed = all((self.class_id.id, s.id) in signed for s in self.subject_result_ids.subject_id)
        company = self.company_id
        return cascade.DocumentContext(
            state=self.state, homeroom_employee_id=self.class_id.homeroom_teacher_id.id or None,
            principal_employee_id=company.hocbaso_principal_id.id or None, sheets_all_signed=sheets_all_signed,
            blocking_findings=blocking, seal_holder_position=company.hocbaso_seal_holder_position or "principal",
            document="year_page", class_name=self.class_id.name or "")

    # ------------------------------------------------------------------ cross-check
    def _hocbaso_crosscheck(self, stage, store=True):
        """Run the consistency checks, store the findings, return ``{page id: open blocking findings}``.

        Pages not signed yet are checked on their current data, signed ones on the signed snapshot."""
        Finding = self.env["hocbaso.finding"].sudo()
        lang = "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else self.env.lang
        result = {}
        open_all = Finding.search([("transcript_id", "in", self.ids), ("state", "=", "open")])
        stage_label = dict(Finding._fields["stage"]._description_selection(self.env)).get(stage, stage)
        new_vals = []
        for rec in self:
            snap = rec.get_snapshot() if rec.signed_roles else rec.sudo()._hocbaso_snapshot()
            tested = {line.subject_id.code: line.subject_id.tested_points(rec.grade) for line in rec.subject_result_ids}
            found = crosscheck.findings(snap, tested_points=tested, id_check_state=rec.student_id.id_check_state)
            current = {}
            for f in found:
                key = "|".join([f.code, f.kind or "", f.subject or "", f.point or "", f.severity])
                current.setdefault(key, f)
            mine = open_all.filtered(lambda x, r=rec: x.transcript_id == r)
            blocking_manual = len(mine.filtered(lambda x: x.origin == "manual" and x.severity == crosscheck.BLOCKING))
            result[rec.id] = sum(1 for f in current.values() if f.blocking) + blocking_manual
            if not store:
                continue
            auto = mine.filtered(lambda x: x.origin == "auto")
            auto.filtered(lambda x, c=current: x.key not in c).write({
                "state": "resolved", "resolved_by_id": self.env.user.id, "resolved_date": fields.Datetime.now(),
                "resolution": _("No longer found by the cross-check (%(stage)s).", stage=stage_label)})
            known = set(auto.mapped("key"))
            for key, f in current.items():
                if key in known:
                    continue
                new_vals.append({
                    "transcript_id": rec.id, "code": f.code, "severity": f.severity, "origin": "auto", "key": key,
                    "subject": f.subject or False, "point": f.point or False, "stage": stage,
                    "message": f.message._translate(lang) if hasattr(f.message, "_translate") else str(f.message),
                })
        if new_vals:
            Finding.create(new_vals)
        return result

    def action_crosscheck(self):
        self.check_access("read")
        self._hocbaso_crosscheck("manual")
        return self.action_open_findings()

    def action_open_findings(self):
        title = _("Cross-check findings")
        return {"type": "ir.actions.act_window", "name": title, "res_model": "hocbaso.finding",
                "view_mode": "list,form", "domain": [("transcript_id", "in", self.ids)],
                "context": {"search_default_open": 1, "default_transcript_id": self[:1].id}}

    # ------------------------------------------------------------------ refusals
    def _hocbaso_refusals(self, action, stage=None, store=True):
        """``{page id: translated reason}`` of the pages of ``self`` on which the current user cannot perform
        ``action`` now (empty when all can). Runs (and stores) the cross-check for the steps it guards."""
        guarded = action in ("mark_ready", "sign_homeroom", "check")
        blocking = self._hocbaso_crosscheck(stage or action, store=store) if guarded else {}
        signed_keys = self._hocbaso_signed_sheet_keys()
        actors, out = {}, {}
        for rec in self:
            actor = actors.get(rec.company_id.id) or actors.setdefault(rec.company_id.id,
                                                                       self._hocbaso_actor(rec.company_id))
            state = rec.state
            if action == "sign_homeroom" and state == "draft":  # the homeroom marks and signs in one go
                state = "ready"
            ctx = rec._hocbaso_context(
                blocking=blocking.get(rec.id, 0),
                sheets_all_signed=all((rec.class_id.id, s.id) in signed_keys for s in rec.subject_result_ids.subject_id))
            if state != rec.state:
                ctx = dataclasses.replace(ctx, state=state)
            refusal = rec._hocbaso_refusal(action, actor, ctx)
            if refusal is None and action == "mark_ready" and not rec.result:
                refusal = _("%(name)s is incomplete: %(missing)s", name=rec.name, missing=rec.result_missing)
            if refusal:
                out[rec.id] = refusal
        return out

    def _hocbaso_assert(self, action, store=True):
        refusals = self._hocbaso_refusals(action, store=store)
        if refusals:
            raise UserError("\n".join(refusals.values()))

    # ------------------------------------------------------------------ steps without a signature
    def action_mark_ready(self):
        """Homeroom teacher: the page's data is complete (all sheets signed, no blocking finding)."""
        self.check_access("write")
        refusals = self._hocbaso_refusals("mark_ready")
        if refusals:
            if len(refusals) == len(self) and any(r.blocking_count for r in self):
                return self._hocbaso_refused_action(refusals)
            raise UserError("\n".join(refusals.values()))
        self._hocbaso_engine().write({"state": "ready", "returned": False})
        self._hocbaso_post(_("Marked ready to sign by %(user)s.", user=self.env.user.name))
        return True

    def _hocbaso_refused_action(self, refusals):
        """Blocking findings: the findings are kept (the transaction is not rolled back) and shown."""
        action = self.action_open_findings()
        action["name"] = _("Blocking findings stop signing")
        action["help"] = f"<p>{'<br/>'.join(refusals.values())}</p>"
        return action

    def action_back_to_draft(self):
        return self._hocbaso_return("draft", _("Data entry reopened by the homeroom teacher.")) and True

    def action_check(self):
        """Team leader / vice principal: cross-check passed, the page goes to the principal."""
        self.check_access("read")
        refusals = self._hocbaso_refusals("check")
        if refusals:
            if any(r.blocking_count for r in self):
                return self._hocbaso_refused_action(refusals)
            raise UserError("\n".join(refusals.values()))
        self._hocbaso_engine().write({"state": "checked", "checked_by_id": self.env.user.id,
                                      "checked_date": fields.Datetime.now(), "returned": False})
        self._hocbaso_post(_("Checked by %(user)s: the page goes to the principal.", user=self.env.user.name))
        self._hocbaso_after_step("check")
        return True

    # ------------------------------------------------------------------ signing steps
    def _hocbaso_cascade_sign(self, role, backend, certificate=None, meta=None, store_findings=True):
        """Perform the signing step of ``role`` on every page of ``self`` (all must be allowed)."""
        meta, on_behalf = self._hocbaso_cascade_before_sign(role, meta, store_findings=store_findings)
        result = self._hocbaso_sign(role, backend, certificate=certificate, meta=meta, on_behalf=on_behalf)
        self._hocbaso_cascade_after_sign(role)
        return result

    def _hocbaso_cascade_before_sign(self, role, meta=None, store_findings=True):
        """Check the step, prepare the pages (ready mark, fresh renditions for the homeroom signature) and
        return ``(meta, on_behalf)`` for the signature (a delegate signs “KT. Hiệu trưởng”)."""
        action = self._hocbaso_sign_action(role)
        self._hocbaso_assert(action, store=store_findings)
        meta = dict(meta or {})
        on_behalf = None
        if action == "sign_principal":
            company = self.company_id[:1]
            actor = self._hocbaso_actor(company)
            if cascade.acting_capacity(action, actor, self[0]._hocbaso_context()) == "principal_delegate":
                on_behalf = company.hocbaso_principal_id.name
                meta["role_label"] = "KT. Hiệu trưởng — Phó Hiệu trưởng"
                meta["reason"] = f"KT. Hiệu trưởng ({on_behalf}) ký xác nhận"
        drafts = self.filtered(lambda r: r.state == "draft")
        if drafts:
            drafts._hocbaso_engine().write({"state": "ready", "returned": False})
            drafts._hocbaso_post(_("Marked ready to sign by %(user)s.", user=self.env.user.name))
        if action == "sign_homeroom":
            # The homeroom signature freezes the page: render it from the current data.
            self.action_render_renditions()
        return meta, on_behalf

    def _hocbaso_cascade_check(self, role):
        """Just before a signature is stored (e.g. when the desktop signer answers): still allowed?"""
        self._hocbaso_assert(self._hocbaso_sign_action(role))

    def _hocbaso_cascade_after_sign(self, role):
        self._hocbaso_after_sign(self._hocbaso_sign_action(role))

    def _hocbaso_after_sign(self, action):
        to_state = cascade.STEPS[action].to_state
        vals = {"state": to_state, "returned": False}
        if action == "seal":
            today = fields.Date.context_today(self)
            for rec in self:
                deadline = rec.school_year_id.sign_deadline
                late = bool(deadline and today > deadline and not rec.reassessment_result)
                rec._hocbaso_engine().write({**vals, "issued_date": today, "issued_late": late})
        else:
            self._hocbaso_engine().write(vals)
        name = self.env.user.name
        if action == "sign_homeroom":
            body = _("Signed by the homeroom teacher %(user)s.", user=name)
        elif action == "sign_principal":
            body = _("Signed by the principal (%(user)s).", user=name)
        else:
            body = _("School seal applied by %(user)s: the page is issued.", user=name)
        self._hocbaso_post(body)
        self._hocbaso_after_step(action)

    # ------------------------------------------------------------------ notifications
    def _hocbaso_step_summary(self, step):
        return {
            "sign_homeroom": _("Sign the year pages (homeroom teacher)"),
            "check": _("Cross-check the year pages"),
            "sign_principal": _("Sign the year pages (principal)"),
            "seal": _("Apply the school seal"),
        }[step]

    def _hocbaso_next_users(self, step, klass):
        """Users who perform ``step`` for ``klass``."""
        klass = klass.sudo()  # staff data is HR data
        company = klass.company_id
        if step == "sign_homeroom":
            return klass.homeroom_teacher_id.user_id
        if step == "check":
            principal = self.env.ref("hocbaso_core.group_principal").sudo().all_user_ids
            return self.env.ref("hocbaso_core.group_team_leader").sudo().all_user_ids.filtered(
                lambda u: company in u.company_ids and u not in principal and u != klass.homeroom_teacher_id.user_id)
        if step == "sign_principal":
            return (company.hocbaso_principal_id | company.hocbaso_principal_delegate_id).user_id
        if step == "seal":
            return company._hocbaso_seal_holder()[1].user_id
        return self.env["res.users"]

    def _hocbaso_after_step(self, done_step):
        """Close the activity of the step done; when the whole class has passed it, notify the next signer."""
        for klass in self.class_id.sudo():
            pages = klass.transcript_ids
            reached = cascade.PAGE_STATES.index(cascade.STEPS[done_step].to_state)
            if all(cascade.PAGE_STATES.index(p.state) >= reached for p in pages):
                self._hocbaso_done_activities(klass, self._hocbaso_step_summary(done_step))
            nxt = cascade.pending_action(cascade.STEPS[done_step].to_state)
            if not nxt:
                continue
            waiting = pages.filtered(lambda p, s=cascade.STEPS[nxt].from_state: p.state == s)
            if waiting:
                klass._hocbaso_notify(nxt, self._hocbaso_next_users(nxt, klass), len(waiting))

    def _hocbaso_return_owners(self, target_state):
        return self._hocbaso_next_users(cascade.pending_action(target_state), self.class_id)

    # ------------------------------------------------------------------ corrections after issue
    def _hocbaso_new_version(self, reason, values=None):
        """Correction of an issued page: a new version (draft) that runs the cascade again; the issued
        version stays signed, archived and marked superseded."""
        self.ensure_one()
        try:
            version = cascade.correction_version(self.state, self.version, reason)
        except RuleError as err:
            self._hocbaso_raise(err)
        if self.superseded_by_id:
            raise UserError(_("%(name)s already has a newer version.", name=self.display_name))
        Engine = self._hocbaso_engine().with_context(tracking_disable=True, active_test=False)
        new = Engine.create({
            "student_id": self.student_id.id, "class_id": self.class_id.id, "version": version,
            "previous_version_id": self.id, "correction_reason": reason,
        })
        by_subject = {line.subject_id.id: line for line in new.subject_result_ids}
        copied = [f for f in self.env["hocbaso.subject.result"]._fields if f.startswith(("level_", "score_"))]
        for old in self.subject_result_ids:
            target = by_subject.get(old.subject_id.id)
            if target:
                target.sudo().write({**{f: old[f] for f in copied}, "comment": old.comment})
        by_comp = {line.competency_id.id: line for line in new.competency_result_ids}
        comp_fields = [f for f in self.env["hocbaso.competency.result"]._fields if f.startswith("level_")]
        for old in self.competency_result_ids:
            target = by_comp.get(old.competency_id.id)
            if target:
                target.sudo().write({**{f: old[f] for f in comp_fields}, "comment": old.comment})
        # Page fields once the results are there (the commendation is checked against the result).
        new.sudo().write({
            "homeroom_comment": self.homeroom_comment, "commendation": self.commendation,
            "commendation_note": self.commendation_note, "reassessment_result": self.reassessment_result,
            "reassessment_date": self.reassessment_date, "reassessment_comment": self.reassessment_comment,
            "note": self.note, **(values or {}),
        })
        if self.promotion and not new.completed_grade:
            new.sudo().write({"promotion": self.promotion})
        self._hocbaso_engine().write({"superseded_by_id": new.id, "active": False})
        self._hocbaso_post(_("Corrected by %(user)s: superseded by version %(version)s. Reason: %(reason)s",
                             user=self.env.user.name, version=version, reason=reason))
        new._hocbaso_post(_("Version %(version)s opened by %(user)s to correct version %(old)s. Reason: %(reason)s",
                            version=version, user=self.env.user.name, old=self.version, reason=reason))
        new._hocbaso_notify_return("draft", reason)
        return new

    def action_open_correction(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "hocbaso.correction.wizard", "view_mode": "form",
                "target": "new", "context": {"default_transcript_id": self.id}}

    def action_open_return(self):
        return {"type": "ir.actions.act_window", "res_model": "hocbaso.return.wizard", "view_mode": "form",
                "target": "new", "context": {"active_model": self._name, "active_ids": self.ids}}

    def action_open_sign_wizard(self):
        roles = {cascade.STEPS[a].signature_role if a else None
                 for a in (cascade.pending_action(s) for s in set(self.mapped("state")))}
        if len(roles) != 1 or None in roles:
            raise UserError(_("Select pages waiting for the same signature (homeroom teacher, principal or seal)."))
        return {"type": "ir.actions.act_window", "res_model": "hocbaso.sign.wizard", "view_mode": "form",
                "target": "new", "name": _("Sign"),
                "context": {"active_model": self._name, "active_ids": self.ids, "default_role": roles.pop()}}

    def action_view_versions(self):
        self.ensure_one()
        chain, rec = self, self
        Transcript = self.with_context(active_test=False)
        while rec.previous_version_id:
            rec = Transcript.browse(rec.previous_version_id.id)
            chain |= rec
        rec = self
        while rec.superseded_by_id:
            rec = Transcript.browse(rec.superseded_by_id.id)
            chain |= rec
        return {"type": "ir.actions.act_window", "name": _("Versions"), "res_model": self._name,
                "view_mode": "list,form", "domain": [("id", "in", chain.ids)], "context": {"active_test": False}}

    # ------------------------------------------------------------------ reminders
    @api.model
    def _cron_deadline_reminders(self, days=(14, 7, 3, 1)):
        """Before the signing deadline, remind everyone whose step is still pending, class by class."""
        today = fields.Date.context_today(self)
        years = self.env["hocbaso.school.year"].sudo().search([("sign_deadline", ">=", today)])
        Sheet = self.env["hocbaso.subject.sheet"].sudo()
        for year in years.filtered(lambda y: (y.sign_deadline - today).days in days):
            left = (year.sign_deadline - today).days
            for klass in year.class_ids.filtered("transcript_ids"):
                Sheet._ensure_for_classes(klass)
                for sheet in Sheet.search([("class_id", "=", klass.id), ("state", "=", "draft")]):
                    self._hocbaso_activity(klass, sheet.teacher_id.user_id, _("Sign the subject sheet %(subject)s",
                                                                               subject=sheet.subject_id.name),
                                           _("%(days)s day(s) left before the signing deadline.", days=left),
                                           deadline=year.sign_deadline)
                steps = {p.id: cascade.pending_action(p.state) for p in klass.transcript_ids}
                pending = klass.transcript_ids.filtered(lambda p, s=steps: s[p.id])
                for step in dict.fromkeys(steps[p.id] for p in pending):
                    count = len(pending.filtered(lambda p, s=step, m=steps: m[p.id] == s))
                    self._hocbaso_activity(klass, self._hocbaso_next_users(step, klass),
                                           self._hocbaso_step_summary(step),
                                           _("Class %(klass)s: %(count)s page(s) wait for you; %(days)s day(s) left "
                                             "before the signing deadline.", klass=klass.name, count=count, days=left),
                                           deadline=year.sign_deadline)
