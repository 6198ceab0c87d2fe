import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const PG_URL = process.env['RAPPORT_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const root = fileURLToPath(new URL('../../../', import.meta.url))
const bin = join(root, 'packages/cli/src/bin.ts')
const hooks = join(root, 'scripts/source-hooks.ts')

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `rapport` as a child process, from TypeScript sources, exactly as a user would (stdio are pipes, not a TTY). */
function rapport(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--conditions=@rapport/source', '--import', hooks, bin, ...args], {
      cwd,
      env: { ...process.env, RAPPORT_DB: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d) => (stdout += d))
    proc.stderr.on('data', (d) => (stderr += d))
    proc.on('error', reject)
    proc.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

const json = (run: Run) => JSON.parse(run.stdout.trim().split('\n').at(-1) as string)

const CSV = [
  'First Name,Last Name,Email,Phone,Title',
  'Ada,Lovelace,ada@lovelace.dev,(415) 555-0101,Countess',
  'Ada,Lovelace,ADA@lovelace.dev,415-555-0101,',
  'Grace,Hopper,grace@navy.mil,(415) 555-0199,Admiral',
  'Grace,Hoper,g.hoper@navy.mil,415.555.0199,',
].join('\n')

const targets = [
  { name: 'sqlite', db: (dir: string) => ['--db', join(dir, 'crm.db')], cleanup: async () => {} },
  {
    name: 'postgres',
    schema: `t_cli_${randomBytes(5).toString('hex')}`,
    db(this: { schema: string }) {
      return ['--db', PG_URL, '--schema', this.schema]
    },
    async cleanup(this: { schema: string }) {
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      try {
        await client.query(`drop schema if exists "${this.schema}" cascade`)
      } finally {
        await client.end()
      }
    },
  },
] as const

describe.each(targets)('rapport on $name', (target) => {
  let dir: string
  let db: string[]
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-cli-'))
    db = target.db.call(target as never, dir)
    writeFileSync(join(dir, 'contacts.csv'), CSV)
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await target.cleanup.call(target as never)
  })

  it('migrates, imports (national phones, duplicates in the file), dedupes, merges a set and exports', async () => {
    expect(json(await rapport(['migrate', ...db, '--json'], dir))).toEqual({ migrated: true })

    const imported = await rapport(
      ['import', 'contacts.csv', ...db, '--upsert-key', 'email', '--region', 'US', '--json', '--progress'],
      dir,
    )
    expect(imported.code).toBe(0)
    // The second Ada has the same e-mail in another case: skipped as a duplicate inside the file.
    expect(json(imported).counts).toEqual({ created: 3, updated: 0, unchanged: 0, skipped: 1, failed: 0 })
    const size = Buffer.byteLength(CSV)
    expect(imported.stderr).toContain(`100% | ${size}/${size} bytes`)

    const again = await rapport(
      ['import', 'contacts.csv', ...db, '--upsert-key', 'email', '--region', 'US', '--json'],
      dir,
    )
    expect(json(again).counts.created).toBe(0)

    const dedupe = json(await rapport(['dedupe', ...db, '--json'], dir))
    // Grace Hopper and Grace Hoper share a phone typed two ways: one open set.
    expect(dedupe.openSets).toHaveLength(1)
    expect(dedupe.jobs[0]).toMatchObject({ entity: 'contact', scanned: 3, pairs: 1 })
    const set = dedupe.openSets[0]

    const dry = await rapport(['merge', ...db, '--set', set.id, '--dry-run', '--json'], dir)
    expect(json(dry)).toMatchObject({ dryRun: true, survivor: { lastName: 'Hopper', title: 'Admiral' } })
    const merged = await rapport(['merge', ...db, '--set', set.id, '--json'], dir)
    expect(merged.code).toBe(0)
    expect(json(merged).before).toHaveLength(2)

    const out = join(dir, 'out.csv')
    const exported = await rapport(
      [
        'export',
        'contact',
        ...db,
        '--where',
        '{"field":"lastName","op":"startsWith","value":"Ho"}',
        '--out',
        out,
        '--columns',
        'firstName,lastName,email',
        '--json',
      ],
      dir,
    )
    expect(json(exported)).toMatchObject({ rows: 1 })
    expect(readFileSync(out, 'utf8')).toBe('\uFEFFfirstName,lastName,email\nGrace,Hopper,grace@navy.mil\n')
  })

  it('bad input is a typed error with exit code 3 and writes nothing; bad usage is 2', async () => {
    writeFileSync(join(dir, 'mapping.json'), JSON.stringify({ columns: { Email: 'emial' } }))
    const bad = await rapport(['import', 'contacts.csv', ...db, '--mapping', 'mapping.json', '--json'], dir)
    expect(bad.code).toBe(3)
    expect(json(bad).error.code).toBe('IO_UNKNOWN_FIELD')
    const count = await rapport(
      ['export', 'contact', ...db, '--columns', 'id', '--json', '--out', join(dir, 'ids.csv')],
      dir,
    )
    expect(json(count).rows).toBe(2) // the three imported, minus the merged loser
    const usage = await rapport(['merge', ...db, '--survivor', 'con_1'], dir)
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining('--loser')])
  })
})

describe('rapport without a database', () => {
  it('exits 5 when the database cannot be reached, and 2 without --db', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-cli-'))
    try {
      const down = await rapport(['migrate', '--db', 'postgres://postgres@127.0.0.1:1/none', '--json'], dir)
      expect(down.code).toBe(5)
      const none = await rapport(['dedupe'], dir)
      expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('--db')])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
