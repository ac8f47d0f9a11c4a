"""Interoperability: our PDFs checked by independent validators (pyHanko CLI, poppler's pdfsig).

The pyHanko CLI is the separate ``pyhanko-cli`` distribution (not in the main venv, whose pyHanko 0.34 has no
CLI); it is looked up at ``.build/venv-pki/bin/pyhanko`` or on PATH. pdfsig never judges tampering
(it says "valid" after any incremental change): here it only confirms the signatures and the coverage.
"""

import os
import re
import shutil
import subprocess

import pytest
from pdf_fixtures import FIELDS, ROOT, Pki, signed_three

CLI = os.path.join(ROOT, ".build", "venv-pki", "bin", "pyhanko")
PYHANKO = CLI if os.access(CLI, os.X_OK) else shutil.which("pyhanko")
PDFSIG = shutil.which("pdfsig")


@pytest.fixture(scope="module")
def p():
    return Pki()


@pytest.fixture(scope="module")
def files(p, tmp_path_factory):
    d = tmp_path_factory.mktemp("interop")
    (d / "ca.pem").write_bytes(p.ca_pem)
    (d / "bb.pdf").write_bytes(signed_three(p))
    (d / "bt.pdf").write_bytes(signed_three(p, timestamper=p.timestamper()))
    (d / "blta.pdf").write_bytes(signed_three(p, level="B-LTA", timestamper=p.timestamper(), trust_roots=p.roots))
    return d


def _pyhanko(files, name, *extra):
    cmd = [PYHANKO, "sign", "validate", "--no-revocation-check", "--trust", str(files / "ca.pem"),
           "--trust-replace", *extra, str(files / name)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", ["bb.pdf", "bt.pdf", "blta.pdf"])
def test_pyhanko_cli_validates_every_signature(files, name):
    run = _pyhanko(files, name, "--pretty-print")
    assert run.returncode == 0, run.stdout + run.stderr
    for i, (field, *_rest) in enumerate(FIELDS, start=1):
        assert f"Field {i}: {field}" in run.stdout
    assert run.stdout.count("The signature is judged VALID.") == len(FIELDS)
    summary = _pyhanko(files, name, "--executive-summary")
    assert summary.returncode == 0
    lines = [line for line in summary.stdout.splitlines() if line.strip()]
    for field, *_ in FIELDS:
        assert any(line.startswith(field + ":") and line.endswith(":VALID") for line in lines), summary.stdout
    if name in ("bt.pdf", "blta.pdf"):
        assert run.stdout.count("Signature timestamp token:") == len(FIELDS)
        assert run.stdout.count("The timestamp token is cryptographically sound.") == len(FIELDS)


def test_pyhanko_cli_flags_a_revision_after_the_lock(p, files):
    from test_pdf_tamper import annotation_after_lock

    (files / "tampered.pdf").write_bytes(annotation_after_lock(p, (files / "bb.pdf").read_bytes()))
    run = _pyhanko(files, "tampered.pdf", "--executive-summary")
    assert run.returncode != 0
    assert "INVALID" in run.stdout or "MODIFIED" in run.stdout.upper()


@pytest.mark.parametrize("name", ["bb.pdf", "bt.pdf"])
def test_pdfsig_reports_valid_signatures_and_total_coverage(files, name):
    run = subprocess.run([PDFSIG, "-nocert", str(files / name)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    blocks = re.split(r"Signature #\d+:", run.stdout)[1:]
    assert len(blocks) == len(FIELDS)
    for block, (field, *_rest) in zip(blocks, FIELDS, strict=True):
        assert f"Signature Field Name: {field}" in block
        assert "Signature Validation: Signature is Valid." in block
        assert "ETSI.CAdES.detached" in block
    assert all("Not total document signed" in b for b in blocks[:-1])
    assert "Total document signed" in blocks[-1]
