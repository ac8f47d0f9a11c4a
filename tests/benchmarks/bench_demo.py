"""Benchmark (a script, not a test): create the demo school from scratch with ``scripts/create_demo.sh``.

    .build/venv/bin/python tests/benchmarks/bench_demo.py [--runs 1] [--script scripts/create_demo.sh] [--keep]

Target (issue): creating ``hocbaso_demo`` from scratch takes ≤ 3 min. Every run creates a throw-away database
``bench_demo_<pid>_<run>`` (never the real ``hocbaso_demo``), times the script end to end (wall clock, Odoo
start-up, install of the suite with demo data and vi_VN, demo PKI and the signing of class 1A included),
checks the modules are installed, then drops the database and its filestore (unless ``--keep``).
"""

import argparse
import configparser
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET_S = 180


def _data_dir(script):
    conf = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(script))), ".build", "odoo.conf")
    parser = configparser.ConfigParser()
    parser.read(conf)
    return parser.get("options", "data_dir", fallback=None)


def _modules_installed(db):
    out = subprocess.run(["psql", "-d", db, "-tAc",
                          "SELECT count(*) FROM ir_module_module WHERE name IN ('hocbaso_core', 'hocbaso_signing') "
                          "AND state = 'installed'"], capture_output=True, text=True, check=False).stdout.strip()
    return out == "2"


def _drop(db, data_dir):
    subprocess.run(["dropdb", "--if-exists", db], check=False, stderr=subprocess.DEVNULL)
    if data_dir:
        shutil.rmtree(os.path.join(data_dir, "filestore", db), ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--script", default=os.path.join(ROOT, "scripts", "create_demo.sh"))
    parser.add_argument("--keep", action="store_true", help="keep the database(s) created")
    args = parser.parse_args()
    data_dir = _data_dir(args.script)
    times = []
    for run in range(args.runs):
        db = f"bench_demo_{os.getpid()}_{run}"
        _drop(db, data_dir)
        start = time.perf_counter()
        try:
            proc = subprocess.run(["bash", args.script, db], capture_output=True, text=True, check=False)
            elapsed = time.perf_counter() - start
            ok = proc.returncode == 0 and _modules_installed(db)
            lines = [line for line in proc.stdout.splitlines() if line.startswith("[demo]")]
            print(f"run {run + 1}: {db}: {elapsed:.1f} s  {'OK' if ok else 'FAILED'}  " + " | ".join(lines))
            if not ok:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            times.append(elapsed)
        finally:
            if not args.keep:
                _drop(db, data_dir)
    median = statistics.median(times)
    print(f"create_demo.sh from scratch: median {median:.1f} s over {len(times)} run(s) "
          f"({os.cpu_count()} CPUs); target ≤ {TARGET_S} s: {'met' if median <= TARGET_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
