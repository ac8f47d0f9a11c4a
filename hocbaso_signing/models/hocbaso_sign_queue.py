from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import cascade

STEPS = [
    ("sign_subject", "Sign subject sheets"),
    ("sign_homeroom", "Homeroom signature"),
    ("check", "Cross-check"),
    ("sign_principal", "Principal signature"),
    ("seal", "School seal"),
]


class HocbasoSignQueue(models.TransientModel):
    """What waits for the current user, per class and step (rebuilt each time the queue is opened)."""

    _name = "hocbaso.sign.queue"
    _description = "My signing queue"
    _order = "deadline, step_sequence, class_name, subject_id"

    step = fields.Selection(STEPS, "Step", required=True, readonly=True)
    step_sequence = fields.Integer("Step order", readonly=True)
    class_id = fields.Many2one("hocbaso.class", "Class", readonly=True)
    class_name = fields.Char(related="class_id.name", store=True, string="Class name")
    subject_id = fields.Many2one("hocbaso.subject", "Subject", readonly=True)
    res_model = fields.Char("Document model", readonly=True)
    res_ids = fields.Json("Documents", readonly=True)
    count = fields.Integer("Waiting", readonly=True)
    blocked = fields.Integer("Not ready yet", readonly=True,
                             help="Pages of the class that cannot be signed yet (subject sheets unsigned, "
                                  "blocking findings).")
    deadline = fields.Date("Deadline", readonly=True)
    days_left = fields.Integer("Days left", readonly=True)

    @api.model
    def action_open_queue(self):
        self.search([("create_uid", "=", self.env.uid)]).unlink()
        self.create(self._rows())
        return {"type": "ir.actions.act_window", "name": _("My signing queue"), "res_model": self._name,
                "view_mode": "list", "domain": [("create_uid", "=", self.env.uid)],
                "context": {"search_default_group_step": 1}}

    @api.model
    def _rows(self):
        user = self.env.user
        Sheet, Page = self.env["hocbaso.subject.sheet"], self.env["hocbaso.transcript"]
        today = fields.Date.context_today(self)
        seq = {s: i for i, (s, _label) in enumerate(STEPS)}
        rows = []

        def add(step, klass, docs, subject=None, blocked=0):
            deadline = klass.school_year_id.sign_deadline
            rows.append({"step": step, "step_sequence": seq[step], "class_id": klass.id,
                         "subject_id": subject.id if subject else False, "res_model": docs._name,
                         "res_ids": docs.ids, "count": len(docs), "blocked": blocked, "deadline": deadline,
                         "days_left": (deadline - today).days if deadline else 0})

        employees = user.employee_ids
        # Subject sheets of the subjects I teach.
        assignments = self.env["hocbaso.teaching.assignment"].search([("teacher_id", "in", employees.ids)])
        if assignments:
            Sheet.sudo()._ensure_for_classes(assignments.class_id.filtered(lambda c: c.transcript_ids))
            drafts = Sheet.search([("class_id", "in", assignments.class_id.ids), ("state", "=", "draft")])
            for a in assignments:
                sheets = drafts.filtered(lambda s, a=a: s.class_id == a.class_id and s.subject_id == a.subject_id)
                if sheets:
                    add("sign_subject", a.class_id, sheets, a.subject_id)
        pages = Page.search([("state", "in", ("draft", "ready", "homeroom_signed", "checked", "principal_signed"))])
        is_principal = user.has_group("hocbaso_core.group_principal")
        may = {"sign_homeroom": True,
               "check": user.has_group("hocbaso_core.group_team_leader") and not is_principal,
               "sign_principal": user.has_group("hocbaso_core.group_vice_principal"),
               "seal": user.has_group("hocbaso_core.group_vice_principal") or user.has_group("hocbaso_core.group_clerk")}
        for klass in pages.class_id:
            mine = pages.filtered(lambda p, k=klass: p.class_id == k)
            for step in may:
                docs = mine.filtered(lambda p, s=step: cascade.pending_action(p.state) == s)
                if not docs or not may[step] or (
                        step == "sign_homeroom" and klass.homeroom_teacher_id not in employees):
                    continue
                refused = docs._hocbaso_refusals(step, store=False)
                if len(refused) == len(docs) and not self._concerns_me(step, docs[:1], refused):
                    continue
                ok = docs.filtered(lambda p, r=refused: p.id not in r)
                add(step, klass, ok if ok else docs, blocked=len(refused))
        return [r for r in rows if r["count"]]

    @api.model
    def _concerns_me(self, step, page, refused):
        """A class that is not signable yet still shows in the homeroom teacher's queue (sheets missing)."""
        return step == "sign_homeroom" and page.class_id.homeroom_teacher_id in self.env.user.employee_ids

    def _documents(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_ids or []).exists()

    def action_sign(self):
        """Sign (or check) everything selected with one confirmation."""
        steps = set(self.mapped("step"))
        if len(steps) != 1:
            raise UserError(_("Select rows of the same step."))
        docs = self.env[self[0].res_model]
        for row in self:
            docs |= row._documents()
        if steps == {"check"}:
            return docs.action_check()
        return docs.action_open_sign_wizard()

    def action_open_documents(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "name": self.class_id.name, "res_model": self.res_model,
                "view_mode": "list,form", "domain": [("id", "in", self.res_ids or [])]}
