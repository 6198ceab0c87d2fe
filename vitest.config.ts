import { defineConfig } from 'vitest/config'

// .ci/run asks for a JSON report so it can print a plain "N passed, N failed" closing line.
const report = process.env['RAPPORT_TEST_REPORT']

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts'],
    reporters: report ? ['default', 'json'] : ['default'],
    ...(report ? { outputFile: { json: report } } : {}),
  },
})
