/**
 * Node-only helpers, the `seqgrad/node` entry: safetensors files on disk. The main entry never
 * imports `node:fs`, so it stays usable in browsers.
 *
 * seqgrad itself is imported here by the package's own name, not as `./index.js`: the built
 * `seqgrad/node` then loads the very copy of seqgrad that the user's `import … from 'seqgrad'`
 * loads, so its Tensors and the user's Modules are the same classes (a bundled second copy would
 * make `instanceof Tensor` fail between them).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { loadSafetensors, type SafetensorsSource, saveSafetensors, type Tensor } from 'seqgrad';

/**
 * Writes a module's state dict (or a state dict) to `path` in the safetensors format, atomically:
 * the bytes go to a temporary file in the same directory, which is flushed to disk and then
 * renamed over `path`. A crash or a failed write never leaves a half-written file where a good
 * one was. See `saveSafetensors` for the format.
 *
 * @param path - the file to create or replace, e.g. `model.safetensors`
 * @param source - a Module or a `{ key: Tensor }` record
 * @param metadata - optional `__metadata__` strings
 * @throws what `saveSafetensors` throws (before anything is written), or the file system's error
 *
 * @example
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Linear } from 'seqgrad';
 * import { loadSafetensorsFile, saveSafetensorsFile } from 'seqgrad/node';
 *
 * const path = join(tmpdir(), 'linear.safetensors');
 * await saveSafetensorsFile(path, new Linear(3, 2), { format: 'pt' });
 * const restored = new Linear(3, 2).loadStateDict(await loadSafetensorsFile(path));
 * console.log(restored.weight.shape); // [2, 3]
 */
export async function saveSafetensorsFile(
  path: string,
  source: SafetensorsSource,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = saveSafetensors(source, metadata);
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let handle: FileHandle | null = await open(temp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = null;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/**
 * Reads a safetensors file into `{ key: Tensor }`, ready for `Module.loadStateDict`. The file is
 * validated completely (see `loadSafetensors`) before any tensor is made.
 *
 * @param path - the file to read
 * @returns the tensors by name, in the file's order
 * @throws Error (or RangeError/TypeError) starting `loadSafetensorsFile: <path>:` that names the
 * problem and the tensor, for a malformed file; the file system's error if it cannot be read
 *
 * @example
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { tensor } from 'seqgrad';
 * import { loadSafetensorsFile, saveSafetensorsFile } from 'seqgrad/node';
 *
 * const path = join(tmpdir(), 'state.safetensors');
 * await saveSafetensorsFile(path, { w: tensor([1, 2, 3]) });
 * const { w } = await loadSafetensorsFile(path);
 * console.log(w?.toArray()); // [1, 2, 3]
 */
export async function loadSafetensorsFile(path: string): Promise<Record<string, Tensor>> {
  const bytes = await readFile(path);
  try {
    return loadSafetensors(bytes);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const Kind =
      error instanceof RangeError ? RangeError : error instanceof TypeError ? TypeError : Error;
    const reason = error.message.replace(/^loadSafetensors: /, '');
    throw new Kind(`loadSafetensorsFile: ${path}: ${reason}`, { cause: error });
  }
}

/** Makes the rename durable where the platform allows it (Windows cannot open a directory). */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Best effort: the file itself is already complete and in place.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
