/**
 * The `seqgrad/node` helpers: in-process through the source, and the built entry points in a
 * child `node` process (skipped until dist/ exists, like test/dist.test.ts). The @example blocks
 * of src/node.ts use real `import` lines, which the shared TSDoc runner cannot execute, so they
 * run here against the built package instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Linear, loadSafetensors, saveSafetensors, type Tensor, tensor } from '../../src/index.js';
import { loadSafetensorsFile, saveSafetensorsFile } from '../../src/node.js';

/**
 * A simulated crash: while `crash.on` is set, every write through node:fs/promises (a file
 * handle's writeFile, or fs.writeFile) writes half of the bytes and then throws.
 */
const crash = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const half = (data: unknown) =>
    (data as Uint8Array).subarray(0, (data as Uint8Array).length >> 1);
  return {
    ...fs,
    writeFile: async (path: string, data: Uint8Array) => {
      if (!crash.on) return fs.writeFile(path, data);
      await fs.writeFile(path, half(data));
      throw new Error('simulated crash');
    },
    open: async (path: string, flags?: string) => {
      const handle = await fs.open(path, flags);
      const writeFile = handle.writeFile.bind(handle);
      handle.writeFile = async (data: never) => {
        if (!crash.on) return writeFile(data);
        await writeFile(half(data) as never);
        throw new Error('simulated crash');
      };
      return handle;
    },
  };
});

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqgrad-node-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = (state: Record<string, Tensor>) =>
  JSON.stringify(Object.entries(state).map(([k, t]) => [k, t.dtype, t.toArray()]));

describe('saveSafetensorsFile / loadSafetensorsFile', () => {
  it('writes a file loadSafetensors reads, and reads it back', async () => {
    const path = join(dir, 'linear.safetensors');
    const layer = new Linear(4, 3);
    await saveSafetensorsFile(path, layer, { format: 'pt' });
    const bytes = await readFile(path);
    expect(values(loadSafetensors(bytes))).toBe(values(layer.stateDict()));
    const loaded = await loadSafetensorsFile(path);
    expect(values(loaded)).toBe(values(layer.stateDict()));
    expect(values(new Linear(4, 3).loadStateDict(loaded).stateDict())).toBe(
      values(layer.stateDict()),
    );
  });

  it('replaces an existing file and leaves no temporary file behind', async () => {
    const path = join(dir, 'replace.safetensors');
    await saveSafetensorsFile(path, { w: tensor([1, 2]) });
    await saveSafetensorsFile(path, { w: tensor([3, 4, 5]) });
    expect((await loadSafetensorsFile(path)).w?.toArray()).toEqual([3, 4, 5]);
    expect((await readdir(dir)).filter((name) => name.includes('replace'))).toEqual([
      'replace.safetensors',
    ]);
  });

  it('keeps the good file when saving fails, before or after the temporary file', async () => {
    const path = join(dir, 'keep.safetensors');
    await saveSafetensorsFile(path, { w: tensor([1, 2]) });
    const good = await readFile(path);
    const bad = { w: [1, 2] as unknown as Tensor };
    await expect(saveSafetensorsFile(path, bad)).rejects.toThrow(/saveSafetensors: 'w' must be/);
    expect(await readFile(path)).toEqual(good);
    // The rename onto a directory fails after the data was written: the temp file is removed.
    const target = join(dir, 'a-directory');
    await mkdir(join(target, 'child'), { recursive: true });
    await expect(saveSafetensorsFile(target, { w: tensor([1]) })).rejects.toThrow(
      /EISDIR|ENOTEMPTY|EEXIST|EPERM/,
    );
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await expect(
      saveSafetensorsFile(join(dir, 'missing', 'x.safetensors'), { w: tensor([1]) }),
    ).rejects.toThrow(/ENOENT/);
  });

  it('a write that dies halfway leaves the previous file in place', async () => {
    const path = join(dir, 'crash.safetensors');
    await saveSafetensorsFile(path, { w: tensor([1, 2, 3]) });
    crash.on = true;
    try {
      await expect(saveSafetensorsFile(path, new Linear(8, 8))).rejects.toThrow('simulated crash');
    } finally {
      crash.on = false;
    }
    expect((await loadSafetensorsFile(path)).w?.toArray()).toEqual([1, 2, 3]);
    expect((await readdir(dir)).filter((name) => name.includes('crash'))).toEqual([
      'crash.safetensors',
    ]);
  });

  it('names the file and the problem when the file is malformed, keeping the error class', async () => {
    const path = join(dir, 'bad.safetensors');
    const bytes = saveSafetensors({ w: tensor([1, 2]) });
    await writeFile(path, bytes.subarray(0, bytes.length - 2));
    await expect(loadSafetensorsFile(path)).rejects.toThrow(
      `loadSafetensorsFile: ${path}: tensor 'w' has data_offsets [0, 8] past the end of the data (6 bytes after the header)`,
    );
    const huge = bytes.slice();
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    await writeFile(path, huge);
    await expect(loadSafetensorsFile(path)).rejects.toBeInstanceOf(RangeError);
    await expect(loadSafetensorsFile(join(dir, 'nope.safetensors'))).rejects.toThrow(/ENOENT/);
  });
});

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = existsSync(new URL('../../dist/node.js', import.meta.url));
const run = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

/** Saves a layer, loads it into another through the other entry point's Tensor class. */
const program = (load: string, path: string) => `${load}
(async () => {
  const path = ${JSON.stringify(path)};
  const layer = new Linear(3, 2);
  await saveSafetensorsFile(path, layer, { format: 'pt' });
  const state = await loadSafetensorsFile(path);
  const copy = new Linear(3, 2).loadStateDict(state);
  console.log(JSON.stringify({
    keys: Object.keys(state),
    same: JSON.stringify(copy.weight.toArray()) === JSON.stringify(layer.weight.toArray()),
    tensor: state.weight instanceof Tensor,
  }));
})();`;

const expected = JSON.stringify({ keys: ['weight', 'bias'], same: true, tensor: true });

/** The @example blocks of src/node.ts (indented code after `@example`, up to the comment's end). */
function nodeExamples(): string[] {
  const text = readFileSync(new URL('../../src/node.ts', import.meta.url), 'utf8');
  return [...text.matchAll(/@example\n((?:\s*\*(?: .*)?\n)+?)\s*\*\//g)].map((m) =>
    (m[1] as string)
      .split('\n')
      .map((line) => line.replace(/^\s*\* {0,3}/, ''))
      .join('\n'),
  );
}

describe.skipIf(!built)('the built seqgrad/node', () => {
  it('works through the ESM entry point, with the root entry point’s classes', () => {
    const source = program(
      "import { Linear, Tensor } from 'seqgrad'; import { saveSafetensorsFile, loadSafetensorsFile } from 'seqgrad/node';",
      join(dir, 'esm.safetensors'),
    );
    expect(run(['--input-type=module', '-e', source])).toBe(expected);
  });

  it('works through the CJS entry point, with the root entry point’s classes', () => {
    const source = program(
      "const { Linear, Tensor } = require('seqgrad'); const { saveSafetensorsFile, loadSafetensorsFile } = require('seqgrad/node');",
      join(dir, 'cjs.safetensors'),
    );
    expect(run(['-e', source])).toBe(expected);
  });

  it('the main entry point does not import node builtins', () => {
    const main = readFileSync(new URL('../../dist/index.js', import.meta.url), 'utf8');
    expect(main).not.toMatch(/from ["'](node:)?(fs|path|os|crypto)/);
  });

  it('runs the @example blocks of src/node.ts', () => {
    const examples = nodeExamples();
    expect(examples).toHaveLength(2);
    const outputs = examples.map((code) => run(['--input-type=module', '-e', code]));
    expect(outputs).toEqual(['[ 2, 3 ]', '[ 1, 2, 3 ]']);
  });
});
