#!/usr/bin/env node
// Enforces the dependency rule of STYLE.md 2.2: a folder of src/ imports only from folders
// earlier in LAYERS (or its own), plus src/errors.ts. src/index.ts may import anything.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAYERS = [
  'ndarray',
  'autograd',
  'ops',
  'nn',
  'optim',
  'interop',
  'text',
  'generation',
  'models',
  'teaching',
];
/** Allowed back-edges, each documented where it occurs. */
const EXCEPTIONS = new Set([
  // Fluent Tensor methods delegate to ops (STYLE 2.2, "one-line delegations in a single file").
  'autograd/tensor.ts -> ops/index.ts',
]);

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.ts')) files.push(path);
  }
};
walk(src);

const layerOf = (file) => {
  const rel = relative(src, file).split('/');
  if (rel.length === 1) return rel[0] === 'errors.ts' ? -1 : Number.POSITIVE_INFINITY;
  const index = LAYERS.indexOf(rel[0]);
  if (index < 0)
    throw new Error(
      `check-layers: src/${rel[0]}/ is not in LAYERS; add it in order to scripts/check-layers.mjs`,
    );
  return index;
};

const problems = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"](\.[^'"]+)['"]/gm)) {
    const target = resolve(dirname(file), match[1].replace(/\.js$/, '.ts'));
    const edge = `${relative(src, file)} -> ${relative(src, target)}`;
    if (layerOf(target) > layerOf(file) && !EXCEPTIONS.has(edge)) problems.push(edge);
  }
}
if (problems.length > 0) {
  console.error(
    `check-layers: imports against the order ${LAYERS.join(' -> ')}:\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`check-layers: ${files.length} files follow ${LAYERS.join(' -> ')}`);
