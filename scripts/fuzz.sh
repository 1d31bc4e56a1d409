#!/usr/bin/env bash
# Runs every native Go fuzz target of motcua for a bounded time each
# (FUZZTIME, default 2s; scripts/test.sh passes 10s), on top of the seed
# corpora committed under each package's testdata/fuzz/. Any crasher is
# written there by go test and fails the run: commit it as a regression
# seed once fixed. A Fuzz function missing from the list below fails the
# run too, so a new parser's target cannot be left out. Run longer
# locally, e.g.
#   FUZZTIME=10m ./scripts/fuzz.sh
#   ONLY=FuzzCheck ./scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-2s}
targets=(
  # uploads: PDF structure and active content, images, type sniffing
  "./sign/pdfcheck FuzzCheck"
  "./blob FuzzCheck"
  "./blob FuzzSniff"
  "./web FuzzMultipartFile"
  # imports: CSV/XLSX catalogs, XLSX workbooks, JSONL history, calendar CSV
  "./workflow FuzzParseCatalog"
  "./xlsx FuzzEachRow"
  "./workflow FuzzParseImportLine"
  "./calendar FuzzParseOverridesCSV"
  # public lookup tokens, problem+json, API bodies, signed PDFs, text folding
  "./web FuzzLookupToken"
  "./web FuzzProblemJSON"
  "./web FuzzAPIBadInput"
  "./sign FuzzVerifyPDF"
  "./vntext FuzzFold"
  "./pdf/internal/ttf FuzzParse"
  "./cmd/motcua FuzzCalendarArgs"
)
# Every native fuzz target of the repository must be in the list.
listed=$(printf '%s\n' "${targets[@]}" | sed 's|^\./||' | sort)
found=$(grep -r -E --include='*_test.go' --exclude-dir=.git '^func Fuzz[A-Za-z0-9_]*\(' . |
  sed -E 's|^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*|\1 \2|' | sort -u)
missing=$(comm -13 <(echo "$listed") <(echo "$found"))
if [ -n "$missing" ]; then
  echo "fuzz targets not listed in scripts/fuzz.sh:"; echo "$missing"; exit 1
fi
for t in "${targets[@]}"; do
  pkg=${t% *}; name=${t#* }
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then continue; fi
  echo "== fuzz $name ($pkg, $fuzztime)"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" 2>&1 | grep -av '^fuzz: elapsed' || { echo "fuzz $name failed"; exit 1; }
done
