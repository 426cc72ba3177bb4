// Prints the closing line of `npm test`, "N passed, N failed", summed over ctest's JUnit report and
// Vitest's JSON reports. Exits non-zero when any test failed or when a report is missing.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
for (const path of process.argv.slice(2)) {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.xml')) {
    const suite = text.match(/<testsuite\b[^>]*>/)?.[0] ?? '';
    const count = (name) => Number(suite.match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? NaN);
    const total = count('tests');
    const bad = count('failures') + (count('errors') || 0);
    if (!Number.isFinite(total) || !Number.isFinite(bad)) throw new Error(`cannot read test counts from ${path}`);
    passed += total - bad - (count('skipped') || 0);
    failed += bad;
  } else {
    const report = JSON.parse(text);
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
