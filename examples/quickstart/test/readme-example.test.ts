import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const readme = readFileSync(resolve(here, '../../../README.md'), 'utf8')
const tmp = mkdtempSync(join(here, '.readme-'))

afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('README embedding example', () => {
  it('runs exactly as printed', async () => {
    const section = readme.split('## Embedding')[1] ?? ''
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
    expect(code, 'README has an Embedding section with a ts code block').toBeTruthy()
    expect((code ?? '').trim().split('\n').length).toBeLessThanOrEqual(20)
    // Run it in a scratch directory so the example's relative `crm.db` lands there.
    const file = join(tmp, 'embedding.ts')
    writeFileSync(file, code ?? '')
    const cwd = process.cwd()
    process.chdir(tmp)
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    try {
      await import(pathToFileURL(file).href)
    } finally {
      process.chdir(cwd)
    }
    expect(log).toHaveBeenCalled()
    const printed = log.mock.calls.flat().map(String).join(' ')
    expect(printed).toMatch(/new contact con_[0-9A-Z]{26}/)
    expect(printed).toContain('Ada (CTO)')
  })
})
