// `pnpm install` runs this as the root `prepare` step, so a fresh clone can import the packages right away
// (`import { createCrm } from '@rapport/core'` resolves to dist/). It builds only when some package has no dist/
// yet: later installs stay fast, and `pnpm build` rebuilds after you change sources. CI builds in its own step, and
// RAPPORT_SKIP_BUILD=1 skips this.
'use strict'

const { existsSync, readdirSync } = require('node:fs')
const { join } = require('node:path')
const { spawnSync } = require('node:child_process')

const root = join(__dirname, '..')
if (process.env.CI || process.env.RAPPORT_SKIP_BUILD === '1') process.exit(0)
const packages = readdirSync(join(root, 'packages')).filter((p) =>
  existsSync(join(root, 'packages', p, 'package.json')),
)
const unbuilt = packages.filter((p) => !existsSync(join(root, 'packages', p, 'dist')))
if (unbuilt.length === 0) process.exit(0)
console.log(
  `rapport: building ${unbuilt.length} package(s) without dist/ (${unbuilt.join(', ')}); RAPPORT_SKIP_BUILD=1 skips`,
)
const result = spawnSync('pnpm', ['run', 'build'], {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
})
process.exit(result.status ?? 1)
