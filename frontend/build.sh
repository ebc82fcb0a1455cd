#!/usr/bin/env bash
# Build the portal's front-end assets into ../static/ (committed to git).
#
#   cd frontend && npm ci && npm run build      (or: bash frontend/build.sh)
#
# Produces:
#   static/css/portal.css              compiled, compressed, no source map
#   static/js/govuk-frontend.min.js    GOV.UK Frontend ES module bundle
#   static/govuk/assets/               GOV.UK Frontend images + manifest (no fonts)
#   static/js/accessible-autocomplete.min.js, static/css/accessible-autocomplete.min.css
#                                      GOV.UK's accessible-autocomplete (council pickers)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
govuk="$here/node_modules/govuk-frontend/dist/govuk"

if [ ! -d "$govuk" ] || [ ! -x "$here/node_modules/.bin/sass" ]; then
  echo "node_modules missing: run 'npm ci' in $here first" >&2
  exit 1
fi

mkdir -p "$root/static/css" "$root/static/js" "$root/static/govuk"

# 1. CSS. --no-source-map: ManifestStaticFilesStorage fails collectstatic when
# a sourceMappingURL points at a file that is not there, and we don't ship maps.
# GOV.UK Frontend 5 still uses @import and global functions, so silence those
# deprecations in dependencies (--quiet-deps) and for our own @import.
"$here/node_modules/.bin/sass" \
  --no-source-map \
  --style=compressed \
  --load-path="$here/node_modules" \
  --quiet-deps \
  --silence-deprecation=import \
  "$here/scss/portal.scss" "$root/static/css/portal.css"

# 2. JS: the ES module bundle, without its sourceMappingURL comment (same reason).
sed -E 's@//# sourceMappingURL=[^[:space:]]*[[:space:]]*$@@' "$govuk/govuk-frontend.min.js" \
  > "$root/static/js/govuk-frontend.min.js"

# 3. Assets: images and manifest only. No GDS Transport fonts (GOV.UK only),
# and not the "rebrand" set (we don't use the rebranded template).
rm -rf "$root/static/govuk/assets"
mkdir -p "$root/static/govuk/assets"
cp -R "$govuk/assets/images" "$root/static/govuk/assets/images"
cp "$govuk/assets/manifest.json" "$root/static/govuk/assets/manifest.json"

# 4. accessible-autocomplete (progressive enhancement of the council pickers), without
# sourceMappingURL comments for the same reason as above.
autocomplete="$here/node_modules/accessible-autocomplete/dist"
sed -E 's@//# sourceMappingURL=[^[:space:]]*[[:space:]]*$@@' "$autocomplete/accessible-autocomplete.min.js" \
  > "$root/static/js/accessible-autocomplete.min.js"
sed -E 's@/\*# sourceMappingURL=[^*]*\*/[[:space:]]*$@@' "$autocomplete/accessible-autocomplete.min.css" \
  > "$root/static/css/accessible-autocomplete.min.css"

# 5. axe-core for the browser tests (keeps its licence header).
mkdir -p "$root/tests/browser/vendor"
cp "$here/node_modules/axe-core/axe.min.js" "$root/tests/browser/vendor/axe.min.js"
axe_version="$(node -p "require('$here/node_modules/axe-core/package.json').version")"
printf 'axe.min.js is axe-core %s, copied from the npm package axe-core (MPL-2.0, https://github.com/dequelabs/axe-core) by frontend/build.sh.\n' \
  "$axe_version" > "$root/tests/browser/vendor/README.md"

echo "Built: static/css/portal.css ($(wc -c < "$root/static/css/portal.css") bytes)," \
  "static/js/govuk-frontend.min.js, static/govuk/assets/, accessible-autocomplete," \
  "tests/browser/vendor/axe.min.js ($axe_version)"
