/**
 * Every exported layer has error-message tests: a new Module subclass exported from the package
 * fails this test until a `describe` block naming it is added to one of the error test files.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as seqgrad from '../src/index.js';

const errorTestFiles = [
  'nn/errors.test.ts',
  'nn/errors-sequence.test.ts',
  'nn/module.test.ts', // ModuleList's container errors live with the other Module tests
  'models/errors.test.ts',
];

/** Abstract bases users subclass rather than call; their subclasses carry the tests. */
const abstractBases = ['RecurrentLayer'];

it('every exported Module subclass has a describe block in an error test file', () => {
  const titles = errorTestFiles.flatMap((file) =>
    [...readFileSync(new URL(file, import.meta.url), 'utf8').matchAll(/describe\('([^']+)'/g)].map(
      (match) => match[1] as string,
    ),
  );
  const layers = Object.entries(seqgrad)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof seqgrad.Module)
    .map(([name]) => name)
    .filter((name) => !abstractBases.includes(name));
  expect(layers.length).toBeGreaterThan(20); // the walk found the layers
  const untested = layers.filter(
    (name) => !titles.some((title) => title.split(/,\s*|\s+and\s+/).includes(name)),
  );
  expect(untested).toEqual([]);
});
