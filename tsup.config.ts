import { defineConfig } from 'tsup';

export default defineConfig({
  // seqgrad/node (Node-only file helpers) is its own entry, so the main one never imports node:fs.
  entry: ['src/index.ts', 'src/node.ts'],
  // src/node.ts imports seqgrad by its own name: dist/node.* then load dist/index.* instead of
  // bundling a second copy of the library (with its own Tensor class).
  external: ['seqgrad'],
  format: ['esm', 'cjs'],
  // tsup 8.5 injects baseUrl into the dts build; TypeScript 6 rejects it (TS5101) unless silenced.
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  splitting: false,
});
