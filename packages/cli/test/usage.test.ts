import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { exitCodes, main } from '../src/index.js'

function sink() {
  let text = ''
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString()
      done()
    },
  })
  return { stream, text: () => text }
}

async function run(argv: string[]) {
  const out = sink()
  const err = sink()
  const code = await main(argv, { stdout: out.stream, stderr: err.stream, env: {} })
  return { code, stdout: out.text(), stderr: err.text() }
}

describe('rapport usage errors (in process, nothing opened)', () => {
  it('exit 2 with a message for unknown commands and options, missing arguments and misplaced options', async () => {
    const cases: [string[], string][] = [
      [['frobnicate'], 'Unknown command'],
      [['dedupe', '--bogus'], 'bogus'],
      [['dedupe'], '--db'],
      [['dedupe', '--db', 'x.db', '--tenant', 'acme'], '--tenant'],
      [['merge', '--db', 'x.db'], '--survivor'],
      [['import', '--db', 'x.db'], 'rapport import <file>'],
      [['export', 'contact', '--db', 'x.db', '--format', 'pdf'], '--format'],
      [['export', 'contact', '--db', 'x.db', '--where', '{not json'], 'not valid JSON'],
    ]
    for (const [argv, message] of cases) {
      const result = await run(argv)
      expect([argv, result.code, result.stderr.includes(message)]).toEqual([argv, exitCodes.usage, true])
    }
  })

  it('--json reports a usage error as JSON on stdout', async () => {
    const result = await run(['dedupe', '--json'])
    expect(result.code).toBe(exitCodes.usage)
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'USAGE' }, exitCode: 2 })
  })

  it('--help prints the usage and exits 0', async () => {
    const result = await run(['--help'])
    expect([result.code, result.stdout]).toEqual([0, expect.stringContaining('Exit codes')])
  })
})
