"""Start and stop the external test services: certomancer's Animator (TSA, OCSP, CRL, certificate
repository) and a CSC API v1 server (certomancer-csc-dummy with login, bearer tokens and PIN check).

Both run from ``.build/venv-pki`` (certomancer 0.16 needs cryptography >= 49; the main venv pins 46) as
separate processes listening on free ports of 127.0.0.1, as real external services would be. Fresh RSA
keys are generated into a temporary directory at start; the PKI itself is ``tests/pki/certomancer.yml``.
The exact commands (``{py}`` = ``.build/venv-pki/bin/python``, ``{cfg}`` = ``tests/pki/certomancer.yml``)::

    .build/venv-pki/bin/certomancer --config {cfg} --key-root {keys} --service-url-prefix http://127.0.0.1:{A} \\
        mass-summon hocbaso {certs} --flat --no-pfx
    .build/venv-pki/bin/certomancer --config {cfg} --key-root {keys} --service-url-prefix http://127.0.0.1:{A} \\
        animate --port {A} --no-web-ui
    {py} tests/pki/csc_server.py --config {cfg} --key-root {keys} --port {C} --url-prefix http://127.0.0.1:{A}

Use::

    with TestServices() as svc:
        svc.tsa_url, svc.ocsp_url, svc.crl_url, svc.csc_base_url, svc.trust_root_pem_path
        svc.credential_id("homeroom_teacher")        # 'hocbaso/homeroom'
        svc.csc_username, svc.csc_password, svc.csc_pin
        svc.certificate("principal"), svc.private_key("principal")
"""

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_PKI = os.path.join(ROOT, ".build", "venv-pki")
PKI_DIR = os.path.join(ROOT, "tests", "pki")
CONFIG = os.path.join(PKI_DIR, "certomancer.yml")
CSC_SERVER = os.path.join(PKI_DIR, "csc_server.py")
ARCH = "hocbaso"
#: Key labels of tests/pki/certomancer.yml (one key file ``<label>.key.pem`` each).
KEY_LABELS = ("root", "ocsp", "tsa", "homeroom", "principal", "school-seal", "subject-teacher", "revoked-teacher")
#: Signer role (docs/signing-contract.md) -> certificate label in the test PKI.
ROLE_LABELS = {
    "homeroom_teacher": "homeroom",
    "principal": "principal",
    "school_seal": "school-seal",
    "subject_teacher": "subject-teacher",
}


class ServiceError(RuntimeError):
    """A test service could not be started."""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http_ok(url, timeout=1.0, expect=None):
    """True when ``url`` answers 200 (and its body contains ``expect``, to be sure it is our service)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200 and (expect is None or expect in resp.read())
    except OSError:  # URLError, HTTPError, connection refused, time-out
        return False


def _die_with_parent():
    """Linux: the service gets SIGTERM when the test process dies, even if killed without clean-up."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Process:
    """One service process with its log file; ``wait_ready`` polls ``probe_url``."""

    def __init__(self, name, argv, logdir, env=None):
        self.name = name
        self.argv = argv
        self.log_path = os.path.join(logdir, f"{name}.log")
        self.env = env
        self.proc = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=self.env, cwd=ROOT, start_new_session=True,
                                         preexec_fn=_die_with_parent if sys.platform == "linux" else None)

    def log_tail(self, n=3000):
        try:
            with open(self.log_path, "rb") as fh:
                return fh.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def wait_ready(self, probe_url, deadline, expect=None):
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if _http_ok(probe_url, expect=expect):
                return self.proc.poll() is None
            time.sleep(0.1)
        return False

    def stop(self, timeout=5):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout)


class TestServices:
    """Context manager running the Animator and the CSC server for the test PKI.

    :param animator: start the Animator (TSA, OCSP, CRL)
    :param csc: start the CSC API v1 server
    :param startup_timeout: seconds to wait for each service to answer
    """

    __test__ = False  # not a pytest test class

    csc_username = "hieutruong@truong-kiem-thu.edu.vn"
    csc_password = "Mật-khẩu-thử-nghiệm-1"
    csc_pin = "246810"

    def __init__(self, animator=True, csc=True, startup_timeout=30.0, venv_pki=VENV_PKI):
        self.want_animator = animator
        self.want_csc = csc
        self.startup_timeout = startup_timeout
        self.venv_pki = venv_pki
        self.workdir = None
        self.key_dir = None
        self.cert_dir = None
        self.animator_port = None
        self.csc_port = None
        self._procs = []

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        certomancer = os.path.join(self.venv_pki, "bin", "certomancer")
        python = os.path.join(self.venv_pki, "bin", "python")
        if not os.access(certomancer, os.X_OK):
            raise ServiceError(f"{certomancer} is missing: run scripts/bootstrap.sh (section 'Test PKI services').")
        self.workdir = tempfile.mkdtemp(prefix="hocbaso-pki-")
        try:
            self.key_dir = os.path.join(self.workdir, "keys")
            self.cert_dir = os.path.join(self.workdir, "certs")
            self._generate_keys()
            for attempt in range(3):
                try:
                    self._start_all(certomancer, python)
                    break
                except ServiceError:
                    self._stop_processes()
                    if attempt == 2:
                        raise
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        self._stop_processes()
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def _stop_processes(self):
        for proc in self._procs:
            with contextlib.suppress(Exception):
                proc.stop()
        self._procs = []

    def _generate_keys(self):
        os.makedirs(self.key_dir, mode=0o700)
        for label in KEY_LABELS:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            fd = os.open(os.path.join(self.key_dir, f"{label}.key.pem"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)

    def _base_argv(self, certomancer):
        return [certomancer, "--config", CONFIG, "--key-root", self.key_dir,
                "--service-url-prefix", self.animator_url]

    def _start_all(self, certomancer, python):
        # The Animator's port is baked into the certificates (AIA/CRL URLs): choose it first.
        self.animator_port = free_port()
        self.csc_port = free_port()
        while self.csc_port == self.animator_port:
            self.csc_port = free_port()
        logdir = self.workdir
        shutil.rmtree(self.cert_dir, ignore_errors=True)
        # Certificates to files (trust root etc.), while the services start.
        summon = subprocess.Popen([*self._base_argv(certomancer), "mass-summon", ARCH, self.cert_dir, "--flat",
                                   "--no-pfx"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  cwd=ROOT)
        try:
            self._start_services(certomancer, python, logdir)
            output, _ = summon.communicate(timeout=max(1.0, self.startup_timeout))
        finally:
            if summon.poll() is None:
                summon.kill()
                summon.wait()
        if summon.returncode != 0:
            raise RuntimeError(f"certomancer mass-summon failed:\n{output}")

    def _start_services(self, certomancer, python, logdir):
        started = []
        if self.want_animator:
            started.append((_Process("animator", [*self._base_argv(certomancer), "animate", "--port",
                                                   str(self.animator_port), "--no-web-ui"], logdir),
                            f"{self.animator_url}/{ARCH}/crls/root/latest.crl", None))
        if self.want_csc:
            env = dict(os.environ, CSC_TEST_USERNAME=self.csc_username, CSC_TEST_PASSWORD=self.csc_password,
                       CSC_TEST_PIN=self.csc_pin, PYTHONUNBUFFERED="1")
            started.append((_Process("csc", [python, CSC_SERVER, "--config", CONFIG, "--key-root", self.key_dir,
                                             "--port", str(self.csc_port), "--url-prefix", self.animator_url],
                                     logdir, env=env),
                            f"http://127.0.0.1:{self.csc_port}/info", b"Hoc ba so CSC test server"))
        for proc, _probe, _expect in started:
            proc.start()
            self._procs.append(proc)
        deadline = time.monotonic() + self.startup_timeout
        for proc, probe, expect in started:
            if not proc.wait_ready(probe, deadline, expect):
                raise ServiceError(f"test service {proc.name!r} did not start ({' '.join(proc.argv)}):\n"
                                   f"{proc.log_tail()}")

    # ------------------------------------------------------------------ endpoints
    @property
    def animator_url(self):
        return f"http://127.0.0.1:{self.animator_port}"

    @property
    def tsa_url(self):
        return f"{self.animator_url}/{ARCH}/tsa/tsa"

    @property
    def ocsp_url(self):
        return f"{self.animator_url}/{ARCH}/ocsp/root"

    @property
    def crl_url(self):
        return f"{self.animator_url}/{ARCH}/crls/root/latest.crl"

    @property
    def csc_url(self):
        """Root of the CSC server (``/info``, ``/test/stats``)."""
        return f"http://127.0.0.1:{self.csc_port}"

    @property
    def csc_base_url(self):
        """CSC API v1 base URL: endpoints are ``{base}/credentials/list`` etc."""
        return f"{self.csc_url}/csc/v1"

    # ------------------------------------------------------------------ PKI material
    @staticmethod
    def label(role_or_label):
        return ROLE_LABELS.get(role_or_label, role_or_label)

    def credential_id(self, role_or_label):
        """CSC credential id of a signer role ('homeroom_teacher', ...) or certificate label ('homeroom')."""
        return f"{ARCH}/{self.label(role_or_label)}"

    def credential_ids(self):
        return {role: self.credential_id(role) for role in ROLE_LABELS}

    def cert_path(self, role_or_label):
        return os.path.join(self.cert_dir, f"{self.label(role_or_label)}.cert.pem")

    @property
    def trust_root_pem_path(self):
        return self.cert_path("root")

    def certificate(self, role_or_label):
        with open(self.cert_path(role_or_label), "rb") as fh:
            return x509.load_pem_x509_certificate(fh.read())

    def private_key(self, role_or_label):
        with open(os.path.join(self.key_dir, f"{self.label(role_or_label)}.key.pem"), "rb") as fh:
            return serialization.load_pem_private_key(fh.read(), None)

    def csc_stats(self):
        """Counters of the CSC server: logins, authorize [{credentialID, numSignatures, hashes}], sign_hash."""
        with urllib.request.urlopen(f"{self.csc_url}/test/stats", timeout=5) as resp:
            return json.load(resp)

    def _csc_post(self, path):
        req = urllib.request.Request(f"{self.csc_url}{path}", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5):
            pass

    def csc_reset_stats(self):
        self._csc_post("/test/reset")

    def csc_expire_tokens(self):
        """Invalidate every access token of the CSC server (as when they expire)."""
        self._csc_post("/test/expire-tokens")


def main():
    """``python tests/support/services.py``: run the services until Ctrl-C (for manual testing)."""
    with TestServices() as svc:
        print(f"trust root: {svc.trust_root_pem_path}\nTSA: {svc.tsa_url}\nOCSP: {svc.ocsp_url}\n"
              f"CRL: {svc.crl_url}\nCSC: {svc.csc_base_url} user={svc.csc_username!r} pin={svc.csc_pin!r}\n"
              f"credentials: {svc.credential_ids()}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
