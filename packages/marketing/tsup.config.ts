import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'segments/index': 'src/segments/index.ts',
    'campaigns/index': 'src/campaigns/index.ts',
    'email-events/index': 'src/email-events/index.ts',
    'kpis/index': 'src/kpis/index.ts',
    'surveys/index': 'src/surveys/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  treeshake: true,
  splitting: true,
})
