import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8')

describe('the new-user path', () => {
  it('stops an install on Node older than 22.12 at once, saying how to get a newer Node', () => {
    const old = spawnSync(process.execPath, [`${root}scripts/check-node.cjs`], { encoding: 'utf8' })
    expect(old.status).toBe(0)
    // The machines ship Node 20 at /usr/bin/node: run the very check pnpm loads (.pnpmfile.cjs) under it.
    const node20 = '/usr/bin/node'
    const version = existsSync(node20)
      ? spawnSync(node20, ['--version'], { encoding: 'utf8' }).stdout.trim()
      : ''
    const fake = spawnSync(
      process.execPath,
      [
        '-e',
        `console.log(require(${JSON.stringify(`${root}scripts/check-node.cjs`)}).nodeProblem('20.20.2'))`,
      ],
      { encoding: 'utf8' },
    )
    expect(fake.stdout).toMatch(/Rapport needs Node\.js >= 22\.12; this is Node\.js v20\.20\.2/)
    expect(fake.stdout).toMatch(/nvm install 24/)
    expect(fake.stdout).toMatch(/npm install --prefix ~\/\.node24 node@24/)
    if (/^v(1\d|20|21|22\.([0-9]|1[01]))\./.test(version)) {
      const pnpmfile = spawnSync(node20, [`${root}.pnpmfile.cjs`], { encoding: 'utf8' })
      expect(pnpmfile.status).toBe(1)
      expect(pnpmfile.stderr).toMatch(/Rapport needs Node\.js >= 22\.12/)
    }
    expect(read('.npmrc')).toMatch(/^engine-strict=true$/m)
  })

  it('pins pnpm in the README to the packageManager version', () => {
    const pinned = JSON.parse(read('package.json')).packageManager as string
    expect(pinned).toMatch(/^pnpm@\d+\.\d+\.\d+$/)
    expect(read('README.md')).toContain(`npm install -g ${pinned}`)
  })

  it('builds on install, so a fresh clone can import the packages (prepare → scripts/prepare.cjs)', () => {
    const pkg = JSON.parse(read('package.json'))
    expect(pkg.scripts.prepare).toBe('node scripts/prepare.cjs')
    for (const name of ['@rapport/core', '@rapport/storage-sqlite', '@rapport/server']) {
      expect(pkg.devDependencies[name], `${name} is importable from the repository root`).toBe('workspace:*')
    }
  })
})
