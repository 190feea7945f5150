/**
 * Where code generation from strings is forbidden (a page whose Content-Security-Policy lacks
 * 'unsafe-eval', or Node's --disallow-code-generation-from-strings), seqgrad must say why it
 * cannot run, not surface an EvalError from inside the ndarray package. Runs the built package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(new URL('../dist/index.js', import.meta.url));
const run = (args: string[]) =>
  spawnSync(process.execPath, ['--disallow-code-generation-from-strings', ...args], {
    cwd: root,
    encoding: 'utf8',
  });

describe.skipIf(!built)('without code generation from strings', () => {
  for (const [name, args] of [
    ['CJS', ['-e', "require('seqgrad').zeros([2])"]],
    ['ESM', ['--input-type=module', '-e', "import { zeros } from 'seqgrad'; zeros([2]);"]],
  ] as const) {
    it(`loads, then explains the missing 'unsafe-eval' at the first tensor (${name})`, () => {
      const result = run([...args]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(
        "Error: seqgrad cannot create arrays here: code generation from strings is disallowed. seqgrad stores tensors in the 'ndarray' package, which compiles its array classes with new Function, so a page must allow it in its Content-Security-Policy (script-src 'unsafe-eval'",
      );
      expect(result.stderr).not.toMatch(/^EvalError/m);
    });
  }

  it('still works where code generation is allowed (the same command without the flag)', () => {
    const result = spawnSync(
      process.execPath,
      ['-e', "console.log(require('seqgrad').zeros([2]).toArray())"],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(result.stdout.trim()).toBe('[ 0, 0 ]');
  });
});
