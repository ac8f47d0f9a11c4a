import base64
import hashlib
import io
import os
import zipfile

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config
from odoo.tools.misc import file_path


class HocbasoXmlSchema(models.Model):
    """A version of the học bạ XML format: XSD + XSLT template, loaded as data, selected per school year."""

    _name = "hocbaso.xml.schema"
    _description = "Transcript XML schema version"
    _order = "version desc"

    name = fields.Char("Name", required=True)
    version = fields.Char("Version", required=True)
    source_path = fields.Char("Folder in an addon", help="e.g. hocbaso_signing/data/schemas/1.0")
    archive = fields.Binary("Schema package (zip)", attachment=True,
                            help="A zip with the XSD, the XSLT template and any imported schema.")
    archive_filename = fields.Char("Package file name")
    active = fields.Boolean(default=True)
    note = fields.Text("Notes")

    _version_uniq = models.Constraint("UNIQUE(version)", "This schema version already exists.")

    @api.constrains("source_path", "archive")
    def _check_source(self):
        for schema in self:
            if not schema.source_path and not schema.archive:
                raise UserError(_("Schema %(version)s needs a folder or a zip package.", version=schema.version))

    def _directory(self):
        """The local folder holding this version's files (materialised from the zip when uploaded)."""
        self.ensure_one()
        if self.source_path:
            try:
                path = file_path(self.source_path)
            except (FileNotFoundError, ValueError):
                path = None
            if not path or not os.path.isdir(path):
                raise UserError(_("The folder of schema %(version)s is missing: %(path)s",
                                  version=self.version, path=self.source_path))
            return path
        data = base64.b64decode(self.with_context(bin_size=False).archive)
        digest = hashlib.sha256(data).hexdigest()[:16]
        target = os.path.join(config["data_dir"], "hocbaso_schemas", f"{self.version}-{digest}")
        if not os.path.isdir(target):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    for member in zf.namelist():
                        if member.startswith("/") or ".." in member.split("/"):
                            raise UserError(_("Unsafe path in schema package: %(name)s", name=member))
                    tmp = target + ".tmp"
                    zf.extractall(tmp)
                os.replace(tmp, target)
            except zipfile.BadZipFile as err:
                raise UserError(_("The schema package is not a valid zip file.")) from err
        return target
