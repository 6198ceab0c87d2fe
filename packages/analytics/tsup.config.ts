import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'rfm/index': 'src/rfm/index.ts',
    'clv/index': 'src/clv/index.ts',
    'churn/index': 'src/churn/index.ts',
    'pipeline/index': 'src/pipeline/index.ts',
    'scoring/index': 'src/scoring/index.ts',
    'experiments/index': 'src/experiments/index.ts',
    'cross-sell/index': 'src/cross-sell/index.ts',
    'attribution/index': 'src/attribution/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  treeshake: true,
  splitting: true,
})
