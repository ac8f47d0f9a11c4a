#!/usr/bin/env bash
# Create the demo school database (all suite modules + demo data, Vietnamese) unless it exists.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DB="${1:-hocbaso_demo}"
MODULES="${2:-hocbaso_core hocbaso_signing}"
ODOO=("$ROOT/.build/venv/bin/python" "$ROOT/.build/odoo/usr/bin/odoo" -c "$ROOT/.build/odoo.conf")
installed() {
  local missing=0
  for m in $MODULES; do
    state=$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name='$m'" 2>/dev/null || true)
    [ "$state" = "installed" ] || missing=1
  done
  return $missing
}
# Fingerprint of the suite's sources: an existing database is upgraded when they changed.
sources_hash() { (cd "$ROOT" && find $MODULES -type f ! -path '*/__pycache__/*' -print0 | sort -z \
                  | xargs -0 sha1sum | sha1sum | cut -c1-16); }
STAMP="$ROOT/.build/$DB.sources"
# Version of the demo content: a demo database made by an older generator is recreated (it only holds the
# fictional demo school), so that it shows what the README describes. 2 = every stage of the approval cascade.
DEMO_VERSION=2
DEMO_STAMP="$ROOT/.build/$DB.demo"
if psql -lqt | cut -d'|' -f1 | grep -qw "$DB" && [ "$(cat "$DEMO_STAMP" 2>/dev/null)" != "$DEMO_VERSION" ]; then
  echo "[demo] $DB was made by an older demo generator: recreating it"
  dropdb "$DB"
  rm -rf "$ROOT/.build/data/filestore/$DB"
fi
if psql -lqt | cut -d'|' -f1 | grep -qw "$DB"; then
  if installed; then
    if [ "$(cat "$STAMP" 2>/dev/null)" != "$(sources_hash)" ]; then
      echo "[demo] the modules changed: upgrading $DB"
      "${ODOO[@]}" -d "$DB" -u "${MODULES// /,}" --stop-after-init --http-port 0 --log-level warn
      sources_hash > "$STAMP"
    fi
    echo "[demo] database $DB is ready"
    exit 0
  fi
  echo "[demo] database $DB is incomplete: recreating it"
  dropdb "$DB"
fi
echo "[demo] creating $DB with ${MODULES// /, } and demo data (vi_VN)"
start=$(date +%s)
if ! "${ODOO[@]}" -d "$DB" -i "${MODULES// /,}" --with-demo --load-language vi_VN --stop-after-init \
     --http-port 0 --log-level warn; then
  echo "[demo] creation failed; dropping $DB" >&2
  dropdb --if-exists "$DB"
  exit 1
fi
installed || { echo "[demo] modules not installed in $DB" >&2; dropdb --if-exists "$DB"; exit 1; }
sources_hash > "$STAMP"
echo "$DEMO_VERSION" > "$DEMO_STAMP"
echo "[demo] $DB created in $(( $(date +%s) - start ))s"
