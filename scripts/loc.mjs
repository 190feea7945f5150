#!/usr/bin/env node
// Prints line counts per folder of src/ and warns about the budgets of STYLE.md 2.2: about 400
// lines a file, about 2,500 for ndarray/ + autograd/ + ops/ together. It warns, it does not fail.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE_BUDGET = 400;
const CORE_BUDGET = 2500;
const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const perFolder = new Map();
const warnings = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
      continue;
    }
    if (!path.endsWith('.ts')) continue;
    const lines = readFileSync(path, 'utf8').split('\n').length;
    const folder = relative(src, dirname(path)) || '.';
    perFolder.set(folder, (perFolder.get(folder) ?? 0) + lines);
    if (lines > FILE_BUDGET)
      warnings.push(`${relative(src, path)} has ${lines} lines (budget ${FILE_BUDGET})`);
  }
};
walk(src);
const core = [...perFolder]
  .filter(([f]) => /^(ndarray|autograd|ops)/.test(f))
  .reduce((n, [, l]) => n + l, 0);
if (core > CORE_BUDGET)
  warnings.push(`ndarray/ + autograd/ + ops/ have ${core} lines (budget ${CORE_BUDGET})`);
console.log(
  `loc: ${[...perFolder]
    .sort()
    .map(([f, n]) => `${f} ${n}`)
    .join(', ')}; core ${core}/${CORE_BUDGET}`,
);
for (const w of warnings) console.warn(`loc: warning: ${w}`);
