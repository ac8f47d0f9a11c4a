import base64
import datetime as dt
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

BACKENDS = [
    ("pkcs12", "Certificate file (PKCS#12)"),
    ("pkcs11", "USB token on the server (PKCS#11)"),
    ("csc", "Remote signing service (CSC API)"),
    ("external", "USB token on the signer's computer"),
]


def load_certificate(data):
    """x509 certificate from DER or PEM bytes."""
    try:
        return x509.load_der_x509_certificate(data)
    except ValueError:
        return x509.load_pem_x509_certificate(data)


def load_chain(pem_text):
    return x509.load_pem_x509_certificates(pem_text.encode()) if pem_text and pem_text.strip() else []


class HocbasoCertificate(models.Model):
    """Certificate registry: personal certificates of staff, the school's organisation seal, trust roots.

    Only public material is stored in clear. A PKCS#12 file stays encrypted by its own password, which is
    asked at signing time and never stored. (Odoo's ``certificate`` module stores the PKCS#12 password and an
    unencrypted copy of the private key, which is why it is not used for signing keys here.)
    """

    _name = "hocbaso.certificate"
    _description = "Digital certificate"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "kind, date_end desc"

    name = fields.Char("Name", required=True)
    kind = fields.Selection(
        [("personal", "Personal certificate"), ("seal", "School seal (organisation)"), ("trust_root", "Trust root")],
        "Kind", required=True, default="personal", tracking=True,
    )
    employee_id = fields.Many2one("hr.employee", "Holder", index=True, tracking=True)
    user_id = fields.Many2one(related="employee_id.user_id", string="Holder user", store=True)
    company_id = fields.Many2one("res.company", "School", required=True, default=lambda self: self.env.company)
    backend = fields.Selection(BACKENDS, "Key location", default="pkcs12", required=True)
    certificate_der = fields.Binary("Certificate", attachment=False, required=True)
    chain_pem = fields.Text("Certificate chain (PEM)")
    subject = fields.Char("Certificate subject", compute="_compute_details", store=True)
    common_name = fields.Char("Common name", compute="_compute_details", store=True)
    issuer = fields.Char("Issuer", compute="_compute_details", store=True)
    serial = fields.Char("Serial number", compute="_compute_details", store=True, index=True)
    fingerprint = fields.Char("SHA-256 fingerprint", compute="_compute_details", store=True, index=True)
    date_start = fields.Datetime("Valid from", compute="_compute_details", store=True)
    date_end = fields.Datetime("Valid until", compute="_compute_details", store=True)
    state = fields.Selection(
        [("valid", "Valid"), ("expiring", "Expires within 30 days"), ("expired", "Expired"),
         ("not_yet", "Not yet valid")], "Status", compute="_compute_state", search="_search_state",
    )
    pkcs12_file = fields.Binary("PKCS#12 file", attachment=True, groups="hocbaso_core.group_it_admin",
                                help="Encrypted by its own password, which is never stored.")
    pkcs11_module = fields.Char("PKCS#11 library", default="/usr/lib/softhsm/libsofthsm2.so")
    pkcs11_token_label = fields.Char("Token label")
    pkcs11_key_label = fields.Char("Key label")
    csc_url = fields.Char("CSC service URL")
    csc_credential_id = fields.Char("CSC credential ID")
    csc_username = fields.Char("CSC user name")
    active = fields.Boolean(default=True)

    _fingerprint_company_uniq = models.Constraint(
        "UNIQUE(fingerprint, company_id, kind)", "This certificate is already registered."
    )

    @api.depends("certificate_der")
    def _compute_details(self):
        for rec in self:
            cert = rec._x509()
            if not cert:
                rec.update({"subject": False, "common_name": False, "issuer": False, "serial": False,
                            "fingerprint": False, "date_start": False, "date_end": False})
                continue
            cn = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
            rec.update({
                "subject": cert.subject.rfc4514_string(),
                "common_name": cn[0].value if cn else "",
                "issuer": cert.issuer.rfc4514_string(),
                "serial": format(cert.serial_number, "x"),
                "fingerprint": hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
                "date_start": cert.not_valid_before_utc.replace(tzinfo=None),
                "date_end": cert.not_valid_after_utc.replace(tzinfo=None),
            })

    @api.constrains("certificate_der", "chain_pem")
    def _check_certificate(self):
        for rec in self:
            try:
                load_certificate(base64.b64decode(rec.certificate_der))
                load_chain(rec.chain_pem)
            except (ValueError, TypeError) as err:
                raise ValidationError(_("The certificate could not be read (DER or PEM expected).")) from err

    def _x509(self):
        self.ensure_one()
        if not self.certificate_der:
            return None
        try:
            return load_certificate(base64.b64decode(self.certificate_der))
        except ValueError:
            return None

    def _chain(self):
        self.ensure_one()
        return load_chain(self.chain_pem)

    @api.depends("date_start", "date_end")
    def _compute_state(self):
        now = fields.Datetime.now()
        for rec in self:
            rec.state = rec._state_at(now)

    def _state_at(self, now):
        if not self.date_end:
            return False
        if self.date_start and now < self.date_start:
            return "not_yet"
        if now > self.date_end:
            return "expired"
        if now > self.date_end - dt.timedelta(days=30):
            return "expiring"
        return "valid"

    def _search_state(self, operator, value):
        now = fields.Datetime.now()
        soon = now + dt.timedelta(days=30)
        domains = {
            "valid": [("date_start", "<=", now), ("date_end", ">", soon)],
            "expiring": [("date_end", ">", now), ("date_end", "<=", soon)],
            "expired": [("date_end", "<", now)],
            "not_yet": [("date_start", ">", now)],
        }
        values = [value] if isinstance(value, str) else list(value)
        if operator not in ("=", "in"):
            raise UserError(_("Unsupported search on certificate status."))
        domain = []
        for i, val in enumerate(values):
            if i:
                domain = ["|", *domain]
            domain += domains[val]
        return domain

    def is_usable(self, when=None):
        """True when the certificate can sign now (valid or expiring)."""
        self.ensure_one()
        return self._state_at(when or fields.Datetime.now()) in ("valid", "expiring")

    def _get_backend(self, secret=None):
        """The signing backend of this certificate; ``secret`` is the PIN / password asked right now."""
        self.ensure_one()
        from ..tools.backends import csc, pkcs11, pkcs12

        if not self.is_usable():
            raise UserError(_("Certificate %(name)s cannot sign: it is %(state)s.", name=self.name,
                              state=dict(self._fields["state"]._description_selection(self.env)).get(self.state)))
        if self.backend == "pkcs12":
            data = self.sudo().with_context(bin_size=False).pkcs12_file
            if not data:
                raise UserError(_("Certificate %(name)s has no PKCS#12 file.", name=self.name))
            return pkcs12.Pkcs12Backend(base64.b64decode(data), (secret or "").encode())
        if self.backend == "pkcs11":
            return pkcs11.Pkcs11Backend(self.pkcs11_module, self.pkcs11_token_label, secret,
                                        key_label=self.pkcs11_key_label)
        if self.backend == "csc":
            return csc.CscBackend(self.csc_url, credential_id=self.csc_credential_id, username=self.csc_username,
                                  password=secret)
        raise UserError(_("Certificate %(name)s is on the signer's computer: use the desktop signer.",
                          name=self.name))

    @api.model
    def _trust_roots(self, company=None):
        roots = self.sudo().search([("kind", "=", "trust_root")] + (
            [("company_id", "=", company.id)] if company else []))
        return [cert for cert in (r._x509() for r in roots) if cert]

    @api.model
    def _cron_expiry_warnings(self):
        """Schedule an activity 30 days before a signing certificate expires (once per certificate)."""
        soon = fields.Datetime.now() + dt.timedelta(days=30)
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for rec in self.search([("kind", "!=", "trust_root"), ("date_end", "<=", soon),
                                ("date_end", ">", fields.Datetime.now())]):
            if rec._expiry_summary() in rec.activity_ids.mapped("summary"):
                continue
            user = rec.user_id or rec.company_id.hocbaso_principal_id.user_id or self.env.user
            rec.activity_schedule(
                act_type_xmlid="mail.mail_activity_data_todo" if todo else False,
                date_deadline=rec.date_end.date(), summary=rec._expiry_summary(), user_id=user.id,
                note=_("Renew the certificate before %(date)s so that signing is not interrupted.",
                       date=rec.date_end.strftime("%d/%m/%Y")),
            )

    def _expiry_summary(self):
        return _("Certificate %(name)s expires soon", name=self.name)

    @api.model
    def readiness_report(self, company=None):
        """Share of staff in each signing role holding a usable certificate (the plan requires 100%)."""
        company = company or self.env.company
        Employee = self.env["hr.employee"].sudo()
        roles = {
            "subject_teacher": Employee.search([("company_id", "=", company.id),
                                                ("hocbaso_assignment_ids", "!=", False)]),
            "homeroom_teacher": Employee.search([("company_id", "=", company.id),
                                                 ("hocbaso_homeroom_class_ids", "!=", False)]),
            "principal": company.hocbaso_principal_id,
        }
        usable = self.sudo().search([("company_id", "=", company.id), ("kind", "=", "personal")]).filtered(
            lambda c: c.is_usable())
        holders = usable.employee_id
        report = {}
        for role, employees in roles.items():
            total = len(employees)
            ready = len(employees & holders)
            report[role] = {"total": total, "ready": ready, "percent": round(100.0 * ready / total, 1) if total else 0.0,
                            "missing": (employees - holders).mapped("name")}
        seal = self.sudo().search([("company_id", "=", company.id), ("kind", "=", "seal")]).filtered(
            lambda c: c.is_usable())
        report["school_seal"] = {"total": 1, "ready": 1 if seal else 0, "percent": 100.0 if seal else 0.0,
                                 "missing": [] if seal else [company.name]}
        return report
