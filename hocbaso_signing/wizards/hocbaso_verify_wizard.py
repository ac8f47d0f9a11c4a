from markupsafe import Markup

from odoo import _, fields, models


class HocbasoVerifyWizard(models.TransientModel):
    _name = "hocbaso.verify.wizard"
    _description = "Verify a signed transcript file"

    file = fields.Binary("Signed file (PDF or XML)", required=True)
    filename = fields.Char("File name")
    valid = fields.Boolean("Valid", readonly=True)
    verified = fields.Boolean(readonly=True)
    report_html = fields.Html("Verification report", readonly=True, sanitize=True)

    def action_verify(self):
        self.ensure_one()
        data = self.with_context(bin_size=False).file
        result = self.env["hocbaso.verifier"].verify_file(self.filename or "", data.decode() if isinstance(
            data, bytes) else data)
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>") % ("✔" if c["ok"] else "✘", c["code"], c["message"])
            for c in result["checks"])
        sigs = Markup("").join(
            Markup("<li>%s — %s (%s)</li>") % (s.get("role") or s.get("field") or "", s.get("signer") or "",
                                              s.get("signing_time") or "")
            for s in result.get("signatures", []))
        verdict = _("The document is valid.") if result["valid"] else _("The document is NOT valid.")
        self.write({"valid": result["valid"], "verified": True, "report_html": Markup(
            "<p><b>%s</b></p><table class='table table-sm'>%s</table><ul>%s</ul>") % (verdict, rows, sigs)})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new"}
