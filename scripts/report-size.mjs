#!/usr/bin/env node
// Reports what the build produced: each JavaScript entry's size and gzipped size, and the size
// of everything npm would publish (the "files" of package.json plus README and LICENSE).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
for (const name of readdirSync(dist)
  .filter((f) => /\.(c?js)$/.test(f))
  .sort()) {
  const bytes = readFileSync(new URL(name, dist));
  console.log(`size: dist/${name} ${kb(bytes.length)} (${kb(gzipSync(bytes).length)} gzipped)`);
}
const pack = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }),
)[0];
const files = pack.files.map((f) => f.path);
console.log(
  `size: the published package is ${kb(pack.size)} packed, ${kb(pack.unpackedSize)} unpacked, ${files.length} files`,
);
const unexpected = files.filter(
  (f) => !/^(dist\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/.test(f),
);
if (unexpected.length > 0) {
  console.error(`size: unexpected files would be published: ${unexpected.join(', ')}`);
  process.exit(1);
}
