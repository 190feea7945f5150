#!/usr/bin/env node
// Prints the one plain line CI reads, "N passed, N failed", from vitest's JSON report.
import { existsSync, readFileSync } from 'node:fs';

const report = new URL('../.vitest.json', import.meta.url);
if (!existsSync(report)) {
  console.log('tests did not run (no .vitest.json): an earlier step failed');
  console.log('0 passed, 0 failed');
  process.exit(1);
}
const r = JSON.parse(readFileSync(report, 'utf8'));
const skipped = r.numPendingTests + r.numTodoTests;
if (skipped > 0) console.log(`${skipped} skipped`);
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
