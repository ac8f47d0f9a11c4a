from odoo import _, api, fields, models
from odoo.addons.hocbaso_core.tools.errors import RuleError
from odoo.exceptions import UserError

from ..tools import cascade
from .hocbaso_signable_mixin import ENGINE

GROUP_ROLES = (
    ("hocbaso_core.group_subject_teacher", "subject_teacher"),
    ("hocbaso_core.group_homeroom_teacher", "homeroom_teacher"),
    ("hocbaso_core.group_team_leader", "team_leader"),
    ("hocbaso_core.group_vice_principal", "vice_principal"),
    ("hocbaso_core.group_principal", "principal"),
    ("hocbaso_core.group_clerk", "clerk"),
    ("hocbaso_core.group_it_admin", "it_admin"),
)


class HocbasoCascadeMixin(models.AbstractModel):
    """Approval cascade of a signed document (tools/cascade.py drives it): who may act, engine-only writes,
    returns with a reason (signatures invalidated, never deleted), chatter and activities."""

    _name = "hocbaso.cascade.mixin"
    _description = "Approval cascade"

    _hocbaso_document_kind = "year_page"
    # Fields written by the engine only (see ENGINE).
    _hocbaso_engine_fields = frozenset({
        "snapshot_json", "snapshot_sha256", "document_ref", "xml_schema_id", "pdf_file", "xml_file",
        "rendition_date", "signed_roles", "state", "returned", "return_reason",
    })

    returned = fields.Boolean("Returned", readonly=True, copy=False,
                              help="Sent back by a reviewer or signer; see the chatter for the reason.")
    return_reason = fields.Text("Reason of the last return", readonly=True, copy=False)

    # ------------------------------------------------------------------ engine-only writes
    def _hocbaso_guard_engine_fields(self, vals):
        managed = set(vals) & self._hocbaso_engine_fields
        if managed and self.env.context.get("hocbaso_engine") is not ENGINE:
            labels = ", ".join(sorted(self._fields[f]._description_string(self.env) for f in managed))
            raise UserError(_("%(fields)s can only change through the signing workflow (sign, check, return, "
                              "correction).", fields=labels))

    def write(self, vals):
        self._hocbaso_guard_engine_fields(vals)
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("hocbaso_engine") is not ENGINE:
            for vals in vals_list:
                bad = {f: v for f, v in vals.items() if f in self._hocbaso_engine_fields
                       and not (f == "state" and v == "draft") and v}
                self._hocbaso_guard_engine_fields(bad)
        return super().create(vals_list)

    # ------------------------------------------------------------------ who acts
    @api.model
    def _hocbaso_actor(self, company):
        """The current user as a cascade.Actor for ``company``."""
        user = self.env.user
        roles = {role for xmlid, role in GROUP_ROLES if user.has_group(xmlid)}
        if "principal" in roles:
            # The principal's group implies the reviewers' groups (to read what they read), but the principal
            # approves last: the check before the lock is someone else's.
            roles -= {"team_leader", "vice_principal"}
        employee = user.sudo().employee_ids.filtered(lambda e: e.company_id == company)[:1]
        seal, holder = company._hocbaso_seal_holder()
        return cascade.Actor(
            user_id=user.id, roles=roles, employee_id=employee.id or None,
            is_principal_delegate=bool(employee) and employee == company.hocbaso_principal_delegate_id,
            holds_seal=bool(employee) and bool(seal) and employee == holder,
        )

    def _hocbaso_context(self, blocking=0, sheets_all_signed=False):
        raise NotImplementedError

    @api.model
    def _hocbaso_sign_action(self, role):
        """The cascade action by which ``role`` signs this kind of document (UserError when it does not)."""
        action = cascade.signing_action(self._hocbaso_document_kind, role)
        if not action:
            roles = dict(self.env["hocbaso.signature"]._fields["role"]._description_selection(self.env))
            raise UserError(_("%(document)s: not signed as %(role)s.", document=self.env["ir.model"]._get(self._name).name,
                              role=roles.get(role, role)))
        return action

    def _hocbaso_refusal(self, action, actor, ctx):
        """Translated reason why ``actor`` cannot perform ``action``, or None."""
        ok, reason = cascade.allowed(action, actor, ctx)
        if ok:
            return None
        return _("%(name)s: %(reason)s", name=self.display_name, reason=str(reason))

    def _hocbaso_raise(self, err):
        if isinstance(err, RuleError):
            raise UserError(_("%(name)s: %(reason)s", name=self.display_name,
                              reason=err.translate(self.env.lang))) from err
        raise err

    # ------------------------------------------------------------------ chatter and activities
    def _hocbaso_post(self, body):
        for rec in self:
            rec.sudo().message_post(body=body, author_id=self.env.user.partner_id.id,
                                    subtype_xmlid="mail.mt_note")

    @api.model
    def _hocbaso_activity(self, record, users, summary, note, deadline=None):
        """Schedule one signing activity per user on ``record`` (no duplicate of an open one)."""
        act_type = self.env.ref("hocbaso_signing.mail_activity_type_hocbaso_sign")
        for user in users.filtered(lambda u: u.active):
            open_ = record.sudo().activity_ids.filtered(
                lambda a, u=user: a.activity_type_id == act_type and a.user_id == u and a.summary == summary)
            if open_:
                continue
            record.sudo().activity_schedule(act_type_xmlid="hocbaso_signing.mail_activity_type_hocbaso_sign",
                                            date_deadline=deadline or fields.Date.context_today(self),
                                            summary=summary, note=note, user_id=user.id)

    @api.model
    def _hocbaso_done_activities(self, record, summary):
        act_type = self.env.ref("hocbaso_signing.mail_activity_type_hocbaso_sign")
        record.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == act_type and a.summary == summary).action_feedback(
                feedback=_("Done by %(user)s.", user=self.env.user.name))

    # ------------------------------------------------------------------ returns
    def _hocbaso_return(self, target_state, reason):
        """Send every document of ``self`` back to ``target_state`` (checks who may, records the reason,
        invalidates the signatures of the undone steps, restores the renditions of the remaining ones)."""
        invalidated = {}
        for rec in self:
            actor = rec._hocbaso_actor(rec.company_id)
            ctx = rec._hocbaso_context()
            ok, why = cascade.can_return(actor, ctx, target_state)
            if not ok:
                raise UserError(_("%(name)s: %(reason)s", name=rec.display_name, reason=str(why)))
            try:
                invalidated[rec.id] = cascade.return_to(rec.state, target_state, reason,
                                                        document=self._hocbaso_document_kind)
            except RuleError as err:
                rec._hocbaso_raise(err)
        for rec in self:
            rec._hocbaso_apply_return(target_state, reason, invalidated[rec.id])
        return invalidated

    def _hocbaso_apply_return(self, target_state, reason, roles):
        self.ensure_one()
        Signature = self.env["hocbaso.signature"].sudo()
        done = self._hocbaso_roles_done()
        if roles:
            remaining = [r for r in done if r not in roles]
            sigs = Signature.search([("res_model", "=", self._name), ("res_id", "=", self.id), ("active", "=", True)])
            last = sigs.filtered(lambda s: s.role == remaining[-1])[:1] if remaining else Signature
            if remaining and not (last.pdf_file and last.xml_file):  # signed before renditions were kept
                remaining, last = [], Signature
            sigs.filtered(lambda s: s.role not in remaining)._hocbaso_invalidate(reason)
            if remaining:
                vals = {"pdf_file": last.with_context(bin_size=False).pdf_file,
                        "xml_file": last.with_context(bin_size=False).xml_file, "signed_roles": ",".join(remaining)}
            else:
                vals = {"pdf_file": False, "xml_file": False, "signed_roles": False, "snapshot_json": False,
                        "snapshot_sha256": False, "rendition_date": False}
        else:
            vals = {}
        vals.update({"state": target_state, "returned": True, "return_reason": reason})
        self._hocbaso_engine().write(vals)
        state_label = dict(self._fields["state"]._description_selection(self.env))[target_state]
        body = _("Returned to “%(state)s” by %(user)s. Reason: %(reason)s", state=state_label,
                 user=self.env.user.name, reason=reason)
        if roles:
            body = _("%(body)s Invalidated signatures: %(roles)s.", body=body, roles=", ".join(
                dict(self.env["hocbaso.signature"]._fields["role"]._description_selection(self.env))[r]
                for r in roles))
        self._hocbaso_post(body)
        self._hocbaso_notify_return(target_state, reason)

    def _hocbaso_return_owners(self, target_state):
        """Users who must act on the document once it is back in ``target_state``."""
        raise NotImplementedError

    def _hocbaso_notify_return(self, target_state, reason):
        """Activity (with the reason) for the owners of the document in ``target_state``."""
        users = self._hocbaso_return_owners(target_state)
        self.sudo().activity_schedule(
            act_type_xmlid="hocbaso_signing.mail_activity_type_hocbaso_sign",
            date_deadline=self._hocbaso_school_year().sign_deadline or fields.Date.context_today(self),
            summary=_("Returned: %(name)s", name=self.display_name), note=reason,
            user_id=users[:1].id or self.env.user.id)
