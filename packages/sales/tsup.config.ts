import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'money/index': 'src/money/index.ts',
    'contracts/index': 'src/contracts/index.ts',
    'receivables/index': 'src/receivables/index.ts',
    'products/index': 'src/products/index.ts',
    'quotes/index': 'src/quotes/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  treeshake: true,
  splitting: true,
})
