#!/usr/bin/env bash
# Regenerate the translation template of each module and merge it into the Vietnamese catalogue.
#
#   scripts/update_po.sh [module ...]        (default: hocbaso_core)
#
# For every module it
#   1. installs the modules in a throw-away database (created here, always dropped at the end),
#   2. exports <module>/i18n/<module>.pot with `odoo i18n export`,
#   3. merges the template into <module>/i18n/vi.po with msgmerge (gettext), keeping every existing
#      translation; a new or changed source string gets an empty msgstr or, when msgmerge finds a
#      close old string, a "#, fuzzy" entry with the old translation (Odoo ignores fuzzy entries:
#      review them and delete the fuzzy flag). vi.po is created (header Language: vi_VN) if missing.
#   4. prints the msgfmt statistics and the number of untranslated and fuzzy entries.
#
# Environment: KEEP_OBSOLETE=1 keeps the "#~" entries of strings no longer in the code (default:
# they are removed); DB=<name> chooses the throw-away database name (it must not exist).
# Needs gettext (msgmerge, msgfmt, msgattrib): scripts/bootstrap.sh installs it.
# Exit status: 0 when every vi.po is complete (no untranslated, no fuzzy), 3 when some entries
# still need a translation, 1 on errors.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$ROOT/.build"
ODOO=("$BUILD/venv/bin/python" "$BUILD/odoo/usr/bin/odoo")
CONF="$BUILD/odoo.conf"
LANG_CODE="vi_VN"
PO_NAME="vi.po"
log() { printf '[update_po] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

case "${1:-}" in
  -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
MODULES=("$@")
[ ${#MODULES[@]} -gt 0 ] || MODULES=(hocbaso_core)

for tool in msgmerge msgfmt msgattrib psql createdb dropdb; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install gettext / run scripts/bootstrap.sh)"
done
[ -x "${ODOO[0]}" ] && [ -f "${ODOO[1]}" ] && [ -f "$CONF" ] || die "Odoo is not bootstrapped: run make bootstrap"
for m in "${MODULES[@]}"; do
  [[ "$m" =~ ^[a-z0-9_]+$ ]] || die "bad module name: $m"
  [ -f "$ROOT/$m/__manifest__.py" ] || die "no module $m in $ROOT"
done

DB="${DB:-i18n_update_$$_$(date +%s)}"
if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  die "database $DB already exists: choose another name with DB=..."
fi
WORK="$(mktemp -d)"
cleanup() {
  local rc=$?
  dropdb --if-exists "$DB" >/dev/null 2>&1 || log "warning: could not drop database $DB"
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- 1. throw-away database
log "installing ${MODULES[*]} in throw-away database $DB"
if ! "${ODOO[@]}" -c "$CONF" -d "$DB" -i "$(IFS=,; echo "${MODULES[*]}")" --stop-after-init \
     --http-port 0 --log-level warn >"$WORK/install.log" 2>&1; then
  tail -40 "$WORK/install.log" >&2
  die "installation failed"
fi
for m in "${MODULES[@]}"; do
  state=$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name='$m'")
  [ "$state" = installed ] || { tail -40 "$WORK/install.log" >&2; die "$m is not installed ($state)"; }
done

status=0
placeholder_error=0
for m in "${MODULES[@]}"; do
  I18N="$ROOT/$m/i18n"
  POT="$I18N/$m.pot"
  PO="$I18N/$PO_NAME"
  mkdir -p "$I18N"

  # ---------------------------------------------------------------- 2. template
  log "$m: exporting $POT"
  "${ODOO[@]}" i18n export -c "$CONF" -d "$DB" -o "$WORK/$m.pot" "$m" >"$WORK/export-$m.log" 2>&1 \
    || { tail -40 "$WORK/export-$m.log" >&2; die "export of $m failed"; }
  [ -s "$WORK/$m.pot" ] || die "export of $m produced no file"
  msgfmt -o /dev/null "$WORK/$m.pot" 2>"$WORK/potcheck.log" \
    || { cat "$WORK/potcheck.log" >&2; die "exported template of $m is not a valid PO file"; }
  cp "$WORK/$m.pot" "$POT"

  # ---------------------------------------------------------------- 3. merge
  if [ -f "$PO" ]; then
    log "$m: merging into $PO"
    msgmerge --quiet --previous --lang="$LANG_CODE" -o "$WORK/merged.po" "$PO" "$POT"
  else
    log "$m: creating $PO"
    cp "$POT" "$WORK/merged.po"
  fi
  # Header: Odoo reads Language to know the catalogue's language; msgfmt -c wants Plural-Forms.
  "${ODOO[0]}" - "$WORK/merged.po" "$LANG_CODE" <<'PY'
import re, sys
path, lang = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
end = text.index('\n\n') if '\n\n' in text else len(text)
head, body = text[:end], text[end:]
fields = {
    "Language": lang,
    "Language-Team": "Vietnamese",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}
for key, value in fields.items():
    line = f'"{key}: {value}\\n"'
    pat = re.compile(r'^"' + re.escape(key) + r':[^"\n]*\\n"$', re.M)
    if pat.search(head):
        # Keep a value somebody filled in, except the empty ones of the Odoo template.
        head = pat.sub(lambda mo: line if mo.group(0) in (f'"{key}: \\n"', f'"{key}:\\n"') or key == "Language" else mo.group(0), head)
    else:
        head += "\n" + line
head = head.replace("# Translation of Odoo Server.", "# Vietnamese translation of Odoo Server.", 1)
open(path, "w", encoding="utf-8").write(head + body)
PY
  if [ "${KEEP_OBSOLETE:-0}" = 1 ]; then
    cp "$WORK/merged.po" "$PO"
  else
    msgattrib --no-obsolete -o "$PO" "$WORK/merged.po"
  fi

  # ---------------------------------------------------------------- 4. report
  msgfmt -c -o /dev/null "$PO" 2>"$WORK/check.log" || { cat "$WORK/check.log" >&2; die "$PO does not pass msgfmt -c"; }
  # Odoo's template carries no python-format flags, so msgfmt -c cannot see a lost placeholder:
  # compare placeholders (%(name)s, %s, {name}) and HTML tags of every translated entry.
  "${ODOO[0]}" - "$PO" <<'PY' || placeholder_error=1
import re, sys
import polib
PH = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]|%[-#0 +]*\d*(?:\.\d+)?[sdifrx]|\{[A-Za-z_][A-Za-z0-9_]*\}")
TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b")
bad = 0
for e in polib.pofile(sys.argv[1]):
    if not e.msgstr or "fuzzy" in e.flags or e.obsolete:
        continue
    for what, rx in (("placeholders", PH), ("HTML tags", TAG)):
        src, dst = sorted(rx.findall(e.msgid)), sorted(rx.findall(e.msgstr))
        if src != dst:
            bad += 1
            print(f"[update_po] {what} differ: {e.msgid!r}\n    source {src} / translation {dst}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
  stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$PO" 2>&1)
  num() { printf '%s\n' "$stats" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+' || echo 0; }
  untranslated=$(num untranslated); fuzzy=$(num fuzzy)
  log "$m: $stats"
  echo "$m: $untranslated untranslated, $fuzzy fuzzy ($PO)"
  if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
    status=3
    log "$m: entries to translate (first 30):"
    "${ODOO[0]}" -c 'import sys, polib
todo = [e for e in polib.pofile(sys.argv[1]) if not e.obsolete and (not e.msgstr or "fuzzy" in e.flags)]
for e in todo[:30]:
    print(("  [fuzzy] " if "fuzzy" in e.flags else "  ") + repr(e.msgid), file=sys.stderr)' "$PO" || true
  fi
done
[ "$placeholder_error" = 0 ] || die "some translations lose or add placeholders or HTML tags (see above)"
exit $status
