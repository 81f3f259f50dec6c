#!/usr/bin/env bash
# The one test command (README: `npm test`; CI: .ci/run). Typechecks, runs every vitest suite,
# and ends with the line "N passed, N failed" that CI reads.
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
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest.json
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
passed=$((passed + passed_checks))
failed=$((failed + failed_checks))
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
