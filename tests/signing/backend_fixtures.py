"""Fixtures of the signing-backend tests (import the ``*_fixture`` names into a test module to use them).

- ``pki_services``: the certomancer Animator (TSA, OCSP, CRL) and the CSC API v1 server of
  ``tests/support/services.py``, started once per session on free ports of 127.0.0.1.
- ``softhsm``: a SoftHSM2 token in a temporary directory (``SOFTHSM2_CONF`` set for this process and for
  subprocesses through ``softhsm.env``) holding a signer key and certificate made with ``tools/pki.py``, a second
  key pair labelled ``other`` and the CA certificate.

Also registers ``odoo.addons.hocbaso_signing`` as a bare package (its ``__init__`` with models and controllers
is not run), as ``tests/conftest.py`` does for ``hocbaso_core``.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

import pytest
from cryptography.hazmat.primitives import serialization

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
# The addons are registered for plain pytest by tests/conftest.py.

from odoo.addons.hocbaso_signing.tools import pki  # noqa: E402
from tests.support.services import TestServices  # noqa: E402

SOFTHSM_MODULE = next((p for p in ("/usr/lib/softhsm/libsofthsm2.so",
                                   "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                                   "/usr/local/lib/softhsm/libsofthsm2.so") if os.path.exists(p)),
                      "/usr/lib/softhsm/libsofthsm2.so")


# Test modules import the fixtures, so pytest sees one definition per module: the objects themselves are
# shared through this module (started once per process, stopped at the end of the session).
_SHARED = {}


@pytest.fixture(scope="session", name="pki_services")
def pki_services_fixture():
    if "services" not in _SHARED:
        _SHARED["services"] = TestServices().start()
    yield _SHARED["services"]
    services = _SHARED.pop("services", None)
    if services is not None:
        services.stop()


@dataclass
class SoftHsmToken:
    module: str
    token_label: str
    pin: str
    so_pin: str
    key_label: str
    key_id: bytes
    signer: pki.Issued
    ca: pki.Issued
    other: pki.Issued
    conf: str
    env: dict = field(default_factory=dict, repr=False)


def _run(argv, env):
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    return proc.stdout


def _write_object(env, module, pin, path, kind, object_id, label):
    _run(["pkcs11-tool", "--module", module, "--token-label", TOKEN_LABEL, "--login", "--pin", pin,
          "--write-object", path, "--type", kind, "--id", object_id.hex(), "--label", label], env)


TOKEN_LABEL = "Hoc ba so test token"


@pytest.fixture(scope="session", name="softhsm")
def softhsm_fixture():
    if "softhsm" not in _SHARED:
        gen = _softhsm_token()
        _SHARED["softhsm"] = (gen, next(gen))
    yield _SHARED["softhsm"][1]
    entry = _SHARED.pop("softhsm", None)
    if entry is not None:
        next(entry[0], None)  # runs the clean-up


def _softhsm_token():
    for tool in ("softhsm2-util", "pkcs11-tool"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is missing: install the Debian packages softhsm2 and opensc (scripts/bootstrap.sh)")
    workdir = tempfile.mkdtemp(prefix="hocbaso-softhsm-")
    tokendir = os.path.join(workdir, "tokens")
    os.makedirs(tokendir)
    conf = os.path.join(workdir, "softhsm2.conf")
    with open(conf, "w") as fh:
        fh.write(f"directories.tokendir = {tokendir}\nobjectstore.backend = file\nlog.level = ERROR\n"
                 "slots.removable = false\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = conf
    env = dict(os.environ)
    pin, so_pin = "123456", "87654321"
    try:
        _run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL, "--so-pin", so_pin,
              "--pin", pin], env)
        ca = pki.make_ca("Học bạ số Token Test CA")
        signer = pki.issue(ca, "Nguyễn Thị Hoa", org="Trường Tiểu học Kiểm Thử")
        other = pki.issue(ca, "Khóa Khác")
        der = serialization.Encoding.DER
        for issued, object_id, label in ((signer, b"\x01", "signer"), (other, b"\x02", "other")):
            key_path = os.path.join(workdir, f"{label}.key.der")
            cert_path = os.path.join(workdir, f"{label}.cert.der")
            with open(key_path, "wb") as fh:
                fh.write(issued.key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
            with open(cert_path, "wb") as fh:
                fh.write(issued.cert_der)
            _write_object(env, SOFTHSM_MODULE, pin, key_path, "privkey", object_id, label)
            _write_object(env, SOFTHSM_MODULE, pin, cert_path, "cert", object_id, label)
            os.remove(key_path)
        ca_path = os.path.join(workdir, "ca.cert.der")
        with open(ca_path, "wb") as fh:
            fh.write(ca.cert.public_bytes(der))
        _write_object(env, SOFTHSM_MODULE, pin, ca_path, "cert", b"\xca", "ca")

        import pkcs11
        if SOFTHSM_MODULE in pkcs11._loaded:  # loaded earlier in this process: make it read the new config
            pkcs11.lib(SOFTHSM_MODULE).reinitialize()
        yield SoftHsmToken(SOFTHSM_MODULE, TOKEN_LABEL, pin, so_pin, "signer", b"\x01", signer, ca, other,
                           conf, env)
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
        shutil.rmtree(workdir, ignore_errors=True)
