"""One wkhtmltopdf run on a self-contained HTML page (the installed wkhtmltopdf has an unpatched Qt: Odoo's
report pipeline, which fetches assets from the server, is not used for the signed documents)."""

import logging
import os
import subprocess
import tempfile

from odoo.tools.misc import find_in_path

_logger = logging.getLogger(__name__)


def html_to_pdf(html, paper, timeout=600):
    """PDF bytes of ``html`` printed with the paper format record ``paper`` (size, margins, dpi), or None
    when wkhtmltopdf failed (its error output is logged)."""
    with tempfile.TemporaryDirectory(prefix="hocbaso-pdf-") as tmp:
        src, out = os.path.join(tmp, "page.html"), os.path.join(tmp, "page.pdf")
        with open(src, "w", encoding="utf-8") as fh:
            fh.write(str(html))
        cmd = [find_in_path("wkhtmltopdf"), "--quiet", "--encoding", "utf-8", "--page-size", paper.format or "A4",
               "--margin-top", f"{paper.margin_top}mm", "--margin-bottom", f"{paper.margin_bottom}mm",
               "--margin-left", f"{paper.margin_left}mm", "--margin-right", f"{paper.margin_right}mm",
               "--dpi", str(paper.dpi or 96), "--disable-smart-shrinking", "--disable-local-file-access", src, out]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        if not os.path.exists(out):
            _logger.error("wkhtmltopdf failed: %s", proc.stderr[-2000:])
            return None
        with open(out, "rb") as fh:
            return fh.read()
