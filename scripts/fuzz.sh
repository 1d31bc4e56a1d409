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
# Go 1.26's fuzz coordinator can fail a run with a bare "context deadline
# exceeded" at the -fuzztime boundary when the machine is loaded, having
# found nothing (golang/go#75804, fixed in Go 1.27). Such a run counts as
# passed only when it wrote no new crasher and a plain replay of the seeds
# and the committed corpus passes; any other failure fails the script.
log=$(mktemp); trap 'rm -f "$log"' EXIT
for t in "${targets[@]}"; do
  pkg=${t% *}; name=${t#* }
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then continue; fi
  echo "== fuzz $name ($pkg, $fuzztime)"
  corpus="$pkg/testdata/fuzz/$name"
  before=$(ls "$corpus" 2>/dev/null | sort || true)
  if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1; then
    grep -av '^fuzz: elapsed' "$log"; continue
  fi
  grep -av '^fuzz: elapsed' "$log"
  after=$(ls "$corpus" 2>/dev/null | sort || true)
  if [ "$before" = "$after" ] && grep -q '^    context deadline exceeded$' "$log" &&
    ! grep -qE '^\s+(Failing input written|panic:|--- FAIL: .*/)' "$log"; then
    echo "fuzz $name: coordinator deadline race at -fuzztime (golang/go#75804), no crasher written; replaying the corpus"
    go test -count=1 -run "^${name}\$" "$pkg" || { echo "fuzz $name failed on replay"; exit 1; }
    continue
  fi
  echo "fuzz $name failed"; exit 1
done
