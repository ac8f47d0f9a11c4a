"""Run every test suite and print one closing line ``N passed, M failed``.

Suites:
  * ruff (one check: the tree is lint-clean);
  * for each module: Odoo's own test runner in a fresh throw-away database
    (installed with demo data, ``--test-tags /<module>``), dropped afterwards;
  * the plain-Python tests under ``tests/`` (pytest, no database).
Exit status is non-zero when anything failed or errored.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, ".build")
PY = os.path.join(BUILD, "venv", "bin", "python")
ODOO = [PY, os.path.join(BUILD, "odoo", "usr", "bin", "odoo"), "-c", os.path.join(BUILD, "odoo.conf")]
RESULT_RE = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
LOG_ERROR_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
SKIP_RE = re.compile(r"^\S+ \S+ \d+ \w+ \S+ odoo\.addons\.\S+: skipped (\S+)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_ruff():
    proc = subprocess.run([os.path.join(BUILD, "venv", "bin", "ruff"), "check", ROOT],
                          capture_output=True, text=True)
    ok = proc.returncode == 0
    print(f"[ruff] {'clean' if ok else 'FAILED'}")
    if not ok:
        print(proc.stdout[-5000:])
    return (1, 0) if ok else (0, 1)


def run_odoo_module(module, logdir):
    db = f"hocbaso_test_{module}_{os.getpid()}"
    subprocess.run(["dropdb", "--if-exists", db], check=False)
    log = os.path.join(logdir, f"{module}.log")
    cmd = ODOO + ["-d", db, "-i", module, "--with-demo", "--test-enable", "--stop-after-init",
                  "--test-tags", f"/{module}", "--log-level", "test",
                  "--http-interface", "127.0.0.1", "--http-port", str(free_port()),
                  "--logfile", log, "--load-language", "vi_VN"]
    start = time.time()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    duration = time.time() - start
    subprocess.run(["dropdb", "--if-exists", db], check=False)
    failed = errors = total = 0
    error_lines, skipped = [], []
    with open(log, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = RESULT_RE.search(line)
            if m:
                failed += int(m.group(1))
                errors += int(m.group(2))
                total += int(m.group(3))
            elif LOG_ERROR_RE.match(line):
                error_lines.append(line.rstrip())
            elif SKIP_RE.match(line):
                skipped.append(line.rstrip())
    # A skipped test is not a passed one (Odoo counts it as run): it counts as failed.
    bad = failed + errors + len(skipped)
    error_lines += skipped
    # An ERROR in the log that no test accounts for (install crash, broken data) is a failure too.
    if (error_lines and bad == 0) or proc.returncode != 0 or total == 0:
        bad = max(bad, 1)
    passed = max(total - failed - errors - len(skipped), 0)
    print(f"[odoo:{module}] {passed} passed, {bad} failed in {duration:.0f}s (log: {log})")
    if bad:
        for line in error_lines[:40]:
            print("   ", line[:400])
    return passed, bad


def run_pytest(logdir):
    junit = os.path.join(logdir, "pytest.xml")
    proc = subprocess.run([PY, "-m", "pytest", os.path.join(ROOT, "tests"), "-q", "-p", "no:cacheprovider",
                           f"--junitxml={junit}"], cwd=ROOT, capture_output=True, text=True)
    print(proc.stdout[-4000:])
    if proc.returncode not in (0, 1) or not os.path.exists(junit):
        print(proc.stderr[-3000:])
        return 0, 1
    suites = ET.parse(junit).getroot()
    suites = [suites] if suites.tag == "testsuite" else list(suites)
    total = sum(int(s.get("tests", 0)) for s in suites)
    bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    # A skipped test is not a passed one: count it as failed so nothing hides behind a skip.
    print(f"[pytest] {total - bad - skipped} passed, {bad + skipped} failed")
    return total - bad - skipped, bad + skipped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--modules", default="hocbaso_core hocbaso_signing")
    ap.add_argument("--only-unit", action="store_true")
    ap.add_argument("--no-unit", action="store_true")
    args = ap.parse_args()
    logdir = os.path.join(BUILD, "test-logs")
    os.makedirs(logdir, exist_ok=True)
    passed = failed = 0
    suites = []
    if not args.only_unit:
        suites.append(run_ruff)
        suites += [lambda m=m: run_odoo_module(m, logdir) for m in args.modules.split()]
    if not args.no_unit:
        suites.append(lambda: run_pytest(logdir))
    for suite in suites:
        p, f = suite()
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
