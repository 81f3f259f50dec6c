#!/usr/bin/env bash
# The one test command (README: `npm test`; CI: .ci/run). Typechecks, runs every vitest suite,
# builds the designer and runs the Playwright suite in Debian's Chromium, and ends with the line
# "N passed, N failed" that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache

failed_checks=0
passed_checks=0

echo "== typecheck (tsc --noEmit)"
if npx --no-install tsc --noEmit -p tsconfig.json; then
  passed_checks=$((passed_checks + 1))
else
  echo "typecheck FAILED"
  failed_checks=$((failed_checks + 1))
fi

echo "== vitest"
rm -f .cache/vitest.json
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$PWD/.cache/vitest.json"
vitest_rc=$?

counts=$(node -e '
  const fs = require("node:fs");
  try {
    const r = JSON.parse(fs.readFileSync(".cache/vitest.json", "utf8"));
    // Files that fail to load count as failures, not silence.
    const brokenFiles = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
    console.log(r.numPassedTests, r.numFailedTests + brokenFiles, r.numPendingTests + r.numTodoTests);
  } catch { console.log("0 1 0"); }
')
read -r passed failed skipped <<<"$counts"
if [ "$vitest_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# End-to-end: the built app (designer/dist) in a real browser. A build or browser that cannot be
# had, or a missing or unreadable report, counts as a failure, never as silence.
rm -f .cache/e2e.json
e2e_ready=1
echo "== designer build (vite build)"
if npx --no-install vite build; then
  passed_checks=$((passed_checks + 1))
else
  echo "designer build FAILED"
  failed_checks=$((failed_checks + 1))
  e2e_ready=0
fi
echo "== chromium (test/env/chromium.sh)"
if ! bash test/env/chromium.sh; then
  echo "chromium unavailable: the end-to-end suite cannot run"
  e2e_ready=0
fi
e2e_rc=1
if [ "$e2e_ready" -eq 1 ]; then
  echo "== playwright (test/e2e)"
  npx --no-install playwright test -c test/e2e/playwright.config.ts
  e2e_rc=$?
fi
e2e_counts=$(node -e '
  const fs = require("node:fs");
  try {
    const r = JSON.parse(fs.readFileSync(".cache/e2e.json", "utf8"));
    const s = r.stats;
    // Errors outside any test (a spec that fails to load, a broken config) are failures too.
    const outside = Array.isArray(r.errors) ? r.errors.length : 0;
    console.log(s.expected + s.flaky, s.unexpected + outside, s.skipped);
  } catch { console.log("0 1 0"); }
')
read -r e2e_passed e2e_failed e2e_skipped <<<"$e2e_counts"
if [ "$e2e_rc" -ne 0 ] && [ "$e2e_failed" -eq 0 ]; then e2e_failed=1; fi
passed=$((passed + e2e_passed))
failed=$((failed + e2e_failed))
skipped=$((skipped + e2e_skipped))
passed=$((passed + passed_checks))
failed=$((failed + failed_checks))
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
