// One command (`pnpm --filter @rapport/bench-audit bench`): what audit history costs a write. The same contact writes
// (create, a one-field update, createMany of 100) on a CRM with auditPlugin() against a CRM without it, each on its
// own freshly migrated database of the same engine, in one process and one run, alternated rounds and medians
// (bench/limits' harness). SQLite file in WAL mode, and Postgres. Target: audit on costs at most 1.3× the time of
// audit off, i.e. ratio (on ÷ off throughput) ≥ 0.77. Writes bench/results/audit.json.
// BENCH_FULL=1 for the recorded sizes; BENCH_ENGINES=sqlite (or postgres) to run one engine.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { auditPlugin } from '@rapport/audit'
import type { CrmServices } from '@rapport/core'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { sql } from 'kysely'
import type { Comparison } from '../../limits/src/harness.ts'
import { compare, round } from '../../limits/src/harness.ts'

const full = process.env['BENCH_FULL'] === '1'
const sizes = {
  creates: full ? 400 : 100,
  updates: full ? 400 : 100,
  batches: full ? 20 : 5,
  batchSize: 100,
  rounds: full ? 7 : 5,
}
const TARGET = round(1 / 1.3)
const PG_URL =
  process.env['RAPPORT_BENCH_PG_URL'] ??
  process.env['RAPPORT_TEST_PG_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
const engines = (process.env['BENCH_ENGINES'] ?? 'sqlite,postgres').split(',')

let n = 0
const input = () => {
  const i = n++
  return {
    firstName: `First${i}`,
    lastName: `Last${i}`,
    emails: [{ address: `person${i}@example.com`, primary: true }],
    title: 'Engineer',
    ownerId: `usr_${i % 10}`,
    tags: ['bench'],
  }
}

async function paths(on: CrmServices, off: CrmServices): Promise<Comparison[]> {
  const results: Comparison[] = []
  const common = (path: string, ops: number) => ({
    path,
    baseline: 'the same call on a CRM without auditPlugin()',
    target: TARGET,
    ops,
    rounds: sizes.rounds,
  })
  results.push(
    await compare({
      ...common('crm.contacts.create(input)', sizes.creates),
      rapport: {
        run: async (ops) => {
          for (let i = 0; i < ops; i++) await on.contacts.create(input())
        },
      },
      raw: {
        run: async (ops) => {
          for (let i = 0; i < ops; i++) await off.contacts.create(input())
        },
      },
    }),
  )
  const target = async (crm: CrmServices) => (await crm.contacts.create(input())).id
  const onId = await target(on)
  const offId = await target(off)
  let u = 0
  results.push(
    await compare({
      ...common('crm.contacts.update(id, { title })', sizes.updates),
      rapport: {
        run: async (ops) => {
          for (let i = 0; i < ops; i++) await on.contacts.update(onId, { title: `T${u++}` })
        },
      },
      raw: {
        run: async (ops) => {
          for (let i = 0; i < ops; i++) await off.contacts.update(offId, { title: `T${u++}` })
        },
      },
    }),
  )
  const batch = () => Array.from({ length: sizes.batchSize }, input)
  results.push(
    await compare({
      ...common(`crm.contacts.createMany(${sizes.batchSize})`, sizes.batches),
      rapport: {
        run: async (ops) => {
          for (let i = 0; i < ops; i++) await on.contacts.createMany(batch())
        },
      },
      raw: {
        run: async (ops) => {
          for (let i = 0; i < ops; i++) await off.contacts.createMany(batch())
        },
      },
    }),
  )
  return results
}

async function engine(make: (label: string) => StorageAdapter) {
  const onStorage = make('on')
  const offStorage = make('off')
  const on = createCrm({ storage: onStorage, plugins: [auditPlugin()] as const })
  const off = createCrm({ storage: offStorage })
  await on.migrate()
  await off.migrate()
  try {
    const results = await paths(on, off)
    const auditRows = await on.entity('auditChange').count()
    return { results, auditChangeRows: auditRows, auditEvents: await on.entity('auditEvent').count() }
  } finally {
    await on.close()
    await off.close()
  }
}

const load = () => loadavg().map((l) => round(l, 2))
const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-audit-'))
const out: Record<string, unknown> = {
  benchmark: 'audit',
  what: 'contact writes with auditPlugin() vs without, same engine, same run; audit writes one event row per write (its field changes inline) in the write transaction',
  ratioMeaning:
    'median over alternated rounds of (audit on ÷ audit off) throughput; target ≥ 0.77 (on costs ≤ 1.3× the time)',
  sizes,
}
const loadAtStart = load()
const schemas: string[] = []
try {
  if (engines.includes('sqlite')) {
    console.log('sqlite (file, WAL)…')
    out['sqlite'] = await engine((label) => createSqliteStorage({ file: join(dir, `${label}.db`) }))
  }
  if (engines.includes('postgres')) {
    console.log('postgres…')
    out['postgres'] = await engine((label) => {
      const schema = `bench_audit_${label}_${Date.now().toString(36)}`
      schemas.push(schema)
      return createPostgresStorage({ connectionString: PG_URL }, { schema })
    })
    const cleanup = createPostgresStorage({ connectionString: PG_URL })
    for (const schema of schemas)
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(cleanup.kysely)
    await cleanup.close()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
for (const [name, value] of Object.entries(out)) {
  const v = value as { results?: Comparison[] }
  if (v?.results) {
    for (const r of v.results)
      console.log(
        `${name} ${r.path}: on/off ${r.ratio} (slowdown ${round(1 / r.ratio, 2)}×) ${r.met ? 'met' : 'NOT met'}`,
      )
  }
}
out['machine'] = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  node: process.version,
  loadAverageAtStart: loadAtStart,
  loadAverageAtEnd: load(),
}
out['at'] = new Date().toISOString()
const file = fileURLToPath(new URL('../../results/audit.json', import.meta.url))
// A run of one engine (BENCH_ENGINES) keeps the other engine's recorded entry, with its own machine and time.
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {}
for (const name of ['sqlite', 'postgres']) {
  const kept = previous[name] as Record<string, unknown> | undefined
  if (out[name] === undefined && kept !== undefined) {
    out[name] = {
      ...kept,
      machine: kept['machine'] ?? previous['machine'],
      at: kept['at'] ?? previous['at'],
    }
  }
}
for (const name of engines) {
  const entry = out[name] as Record<string, unknown> | undefined
  if (entry) Object.assign(entry, { machine: out['machine'], at: out['at'] })
}
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
console.log(`→ ${file}`)
