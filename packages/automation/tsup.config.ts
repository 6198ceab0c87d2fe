import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', 'pg-boss/index': 'src/pg-boss/index.ts' },
  external: ['pg-boss'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  treeshake: true,
  splitting: true,
})
