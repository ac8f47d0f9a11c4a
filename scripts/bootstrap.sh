#!/usr/bin/env bash
# Idempotent bootstrap: Debian packages, Odoo 19 (extracted from Debian's odoo-19 .deb),
# a Python 3.11 venv with the pinned dependencies, PostgreSQL started with a role for us.
# Works as root and as a normal user with sudo. Everything it builds lives in .build/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$ROOT/.build"
ODOO_DIR="$BUILD/odoo"
VENV="$BUILD/venv"
mkdir -p "$BUILD"
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
log() { printf '[bootstrap] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- Debian packages
DEB_PKGS="postgresql wkhtmltopdf xmlsec1 poppler-utils libxml2-utils softhsm2 opensc chromium
 fonts-font-awesome fonts-roboto-unhinted fonts-inconsolata fonts-ocr-b
 fonts-dejavu-core libjs-jquery libjs-jquery-form libjs-underscore libpq-dev libldap2-dev
 libsasl2-dev python3-venv gettext"
missing=""
for p in $DEB_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "installing Debian packages:$missing"
  $SUDO apt-get update -qq
  # Only ask for what this release has.
  avail=""
  for p in $missing; do
    apt-cache show "$p" >/dev/null 2>&1 && avail="$avail $p" || log "not available here, skipped: $p"
  done
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $avail >/dev/null
fi

# ---------------------------------------------------------------- Odoo 19 from Debian sid (.deb only)
if [ ! -f "$ODOO_DIR/.extracted" ]; then
  APTDIR="$BUILD/apt-sid"
  mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
  if ! ls "$APTDIR"/cache/archives/odoo-19_*.deb >/dev/null 2>&1; then
    MIRROR=$( { grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
                grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'; } \
              | grep -E '/debian/?$' | head -1 || true)
    MIRROR=${MIRROR:-http://deb.debian.org/debian}
    cat > "$APTDIR/sid.sources" <<SRC
Types: deb
URIs: $MIRROR
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    APTOPTS=(-o "Dir::Etc::SourceList=$APTDIR/sid.sources" -o Dir::Etc::SourceParts=/dev/null
             -o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache"
             -o APT::Sandbox::User=root -o Debug::NoLocking=1)
    log "downloading odoo-19 from Debian sid ($MIRROR)"
    $SUDO apt-get "${APTOPTS[@]}" -qq update
    (cd "$APTDIR/cache/archives" && $SUDO apt-get "${APTOPTS[@]}" -qq download odoo-19)
    [ -n "$SUDO" ] && $SUDO chown -R "$(id -u):$(id -g)" "$APTDIR"
  fi
  DEB=$(ls "$APTDIR"/cache/archives/odoo-19_*.deb | head -1)
  rm -rf "$ODOO_DIR" && mkdir -p "$ODOO_DIR"
  log "extracting $(basename "$DEB")"
  dpkg-deb -x "$DEB" "$ODOO_DIR"
  # Repoint the relative symlinks (fonts, JS libs) to the bookworm packages' absolute paths.
  DIST="$ODOO_DIR/usr/lib/python3/dist-packages"
  find "$ODOO_DIR" -type l | while read -r link; do
    target=$(readlink "$link")
    case "$target" in /*) continue;; esac
    rel="${link#"$ODOO_DIR"}"
    abs=$(realpath -m "$(dirname "$rel")/$target")
    ln -sfn "$abs" "$link"
  done
  touch "$ODOO_DIR/.extracted"
fi

# Debian's dfsg tarball excludes mail's minified selfie_segmentation.js (video-call background blur), which
# the backend asset bundle still lists: a stub keeps the bundle (and every browser test) free of errors.
STUB="$ODOO_DIR/usr/lib/python3/dist-packages/odoo/addons/mail/static/lib/selfie_segmentation/selfie_segmentation.js"
if [ ! -f "$STUB" ]; then
  mkdir -p "$(dirname "$STUB")"
  echo "/* Removed from Debian's odoo-19 package (Files-Excluded): background blur is unavailable. */" > "$STUB"
fi

# ---------------------------------------------------------------- Python 3.11 venv
PY=$(command -v python3.11 || true)
[ -n "$PY" ] || { log "python3.11 not found"; exit 1; }
STAMP="$VENV/.deps-$(cat "$ROOT/constraints.txt" "$ROOT/requirements.txt" "$ROOT/requirements-odoo.txt" | sha1sum | cut -c1-12)"
if [ ! -f "$STAMP" ]; then
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  echo "$ODOO_DIR/usr/lib/python3/dist-packages" > "$("$VENV/bin/python" -c 'import sysconfig;print(sysconfig.get_paths()["purelib"])')/odoo19.pth"
  log "installing Python dependencies"
  "$VENV/bin/pip" install -q --disable-pip-version-check -c "$ROOT/constraints.txt" \
      -r "$ROOT/requirements-odoo.txt" -r "$ROOT/requirements.txt" 2>&1 | { grep -v "^WARNING: Location" || true; }
  rm -f "$VENV"/.deps-* && touch "$STAMP"
fi

# ---------------------------------------------------------------- PostgreSQL
if ! pg_lsclusters -h 2>/dev/null | grep -q online; then
  log "starting PostgreSQL"
  CL=$(pg_lsclusters -h | awk 'NR==1{print $1" "$2}')
  $SUDO pg_ctlcluster --skip-systemctl-redirect $CL start
fi
ME=$(id -un)
as_postgres() { if [ -z "$SUDO" ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='$ME'" | grep -q 1; then
  log "creating PostgreSQL superuser role $ME"
  as_postgres createuser -s "$ME"
fi

# ---------------------------------------------------------------- Test PKI services venv (certomancer)
# certomancer 0.16 needs cryptography >= 49, the main venv pins 46 (pyOpenSSL, pyHanko 0.34), so the test
# PKI (CA, TSA, OCSP via the web animator) and the CSC API dummy server run from their own venv as separate
# processes (tests/support/services.py starts them on 127.0.0.1). The pyHanko CLI (an independent validator
# of our PDFs, `pyhanko sign validate`) lives there too: it is not part of pyHanko 0.34.
VENV_PKI="$BUILD/venv-pki"
PKI_REQS=("certomancer[web-api,web-api-async]==0.16.*" "certomancer-csc-dummy==0.4.*" "pyhanko-cli==0.6.*")
STAMP_PKI="$VENV_PKI/.deps-$(printf '%s\n' "${PKI_REQS[@]}" | sha1sum | cut -c1-12)"
if [ ! -f "$STAMP_PKI" ]; then
  [ -x "$VENV_PKI/bin/python" ] || "$PY" -m venv "$VENV_PKI"
  log "installing the test PKI services (certomancer, certomancer-csc-dummy) into .build/venv-pki"
  "$VENV_PKI/bin/pip" install -q --disable-pip-version-check "${PKI_REQS[@]}" \
      2>&1 | { grep -v "^WARNING: Location" || true; }
  "$VENV_PKI/bin/certomancer" --version >/dev/null
  "$VENV_PKI/bin/pyhanko" --version >/dev/null  # independent PDF validator for the interop tests
  "$VENV_PKI/bin/python" -c 'import aiohttp, werkzeug, csc_dummy.csc_dummy_server'
  rm -f "$VENV_PKI"/.deps-* && touch "$STAMP_PKI"
fi

# ---------------------------------------------------------------- Odoo configuration
cat > "$BUILD/odoo.conf" <<CONF
[options]
addons_path = $ODOO_DIR/usr/lib/python3/dist-packages/odoo/addons,$ROOT
data_dir = $BUILD/data
http_interface = 127.0.0.1
CONF
log "ready"
