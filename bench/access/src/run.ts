import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { accessControl, defineAccessPolicy } from '@rapport/access'
import type { CrmServices } from '@rapport/core'
import { createCrm } from '@rapport/core'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { benchPostgresRls } from './postgres-rls.js'
import { benchScopedSql } from './scoped-sql.js'

/**
 * list (50 per page), get and search as a team manager under a realistic policy (rep / manager / admin, team scope,
 * phones and emails masked for reps and managers) against the same calls on a CRM with no policy, over the same
 * SQLite file. Rounds alternate between the two so load on the machine hits both alike; the reported ratio is the
 * median of per-round ratios. Target: at most 1.25x.
 *
 * With `RAPPORT_TEST_PG_URL` set it also compares Postgres row-level security on vs off (same policy, same calls,
 * plus creates and updates; see postgres-rls.ts). `BENCH_ONLY=rls` runs only that part and keeps the SQLite results
 * already in the JSON.
 */
const CONTACTS = Number(process.env['BENCH_CONTACTS'] ?? 5000)
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7)
const CALLS = Number(process.env['BENCH_CALLS'] ?? 200)

const teams = ['north', 'south', 'west'].map((id, t) => ({
  id,
  managerId: `usr_m${t}`,
  members: Array.from({ length: 10 }, (_, i) => `usr_${t}_${i}`),
}))
const masked = { phones: { mask: 'phone' as const }, emails: { mask: 'email' as const } }
const policy = defineAccessPolicy({
  roles: {
    rep: {
      entities: { contact: { read: 'own', update: 'own', create: 'own' } },
      fields: { contact: masked },
    },
    manager: { entities: { contact: { read: 'team', update: 'team' } }, fields: { contact: masked } },
    admin: { entities: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } },
  },
  teams,
  users: Object.fromEntries([
    ...teams.flatMap((t) => t.members.map((m) => [m, { roles: ['rep'] }])),
    ...teams.map((t) => [t.managerId, { roles: ['manager'] }]),
    ['usr_admin', { roles: ['admin'] }],
  ]),
})

const dir = dirname(fileURLToPath(import.meta.url))
const out = join(dir, '..', '..', 'results', 'access.json')
const PG_URL = process.env['RAPPORT_TEST_PG_URL'] || undefined
const ONLY_RLS = process.env['BENCH_ONLY'] === 'rls'
// The part not run this time (SQLite, or Postgres RLS without RAPPORT_TEST_PG_URL) keeps its last numbers.
const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined
// Workloads not run this time (BENCH_WORKLOADS, BENCH_ONLY=rls) keep their last numbers.
const results: Record<string, unknown> = { ...(previous?.results ?? {}) }
const loadBefore = loadavg()
if (!ONLY_RLS) await sqliteBench()
const postgresRls = PG_URL
  ? {
      adapter: 'postgres (pg pool; rls: true vs rls: false, two schemas with the same rows)',
      contacts: CONTACTS,
      rounds: ROUNDS,
      callsPerRound: CALLS,
      note: 'same access policy and actor on both sides; off = no RLS, on = FORCEd RESTRICTIVE tenant policy, runtime role, every operation in a transaction bound with set_config',
      results: await benchPostgresRls({
        url: PG_URL,
        policy,
        actor: { id: 'usr_m0' },
        owners: teams.flatMap((t) => t.members),
        contacts: CONTACTS,
        rounds: ROUNDS,
        calls: CALLS,
      }),
    }
  : previous?.postgresRls

async function sqliteBench() {
  const file = join(dir, '..', 'bench-access.db')
  const seedCrm = createCrm({ storage: createSqliteStorage({ file }) })
  await seedCrm.migrate()
  if ((await seedCrm.contacts.count()) < CONTACTS) {
    const owners = teams.flatMap((t) => t.members)
    for (let i = 0; i < CONTACTS; i += 500) {
      await seedCrm.contacts.createMany(
        Array.from({ length: Math.min(500, CONTACTS - i) }, (_, k) => {
          const n = i + k
          return {
            firstName: `Client${n % 97}`,
            lastName: `Person ${n}`,
            ownerId: owners[n % owners.length],
            phones: [{ number: `+86139${String(10_000_000 + n).slice(-8)}` }],
            emails: [{ address: `client${n}@acme.example` }],
          }
        }),
      )
    }
  }

  const manager = { id: 'usr_m0' }
  const plain = createCrm({ storage: createSqliteStorage({ file }), actor: manager })
  const guardedManager = createCrm({
    storage: createSqliteStorage({ file }),
    actor: manager,
    plugins: [accessControl(policy)] as const,
  })
  // A rep (own scope: a 33rd of the rows), for the list page whose scope is one owner.
  const rep = { id: teams[0]!.members[3] as string }
  const guardedRep = createCrm({
    storage: createSqliteStorage({ file }),
    actor: rep,
    plugins: [accessControl(policy)] as const,
  })
  await plain.migrate()
  await guardedManager.migrate()
  await guardedRep.migrate()
  const ids = (await guardedManager.contacts.list({ limit: 100 })).items.map((c) => c.id)

  const workloads: Record<string, (crm: CrmServices, i: number) => Promise<unknown>> = {
    list: (crm) => crm.contacts.list({ limit: 50 }),
    listRep: (crm) => crm.contacts.list({ limit: 50 }),
    get: (crm, i) => crm.contacts.get(ids[i % ids.length] as string),
    search: (crm, i) => crm.contacts.search(`Client${i % 97}`, { limit: 20 }),
  }
  // The same rows written by hand, with no policy: what a host would run to scope the query itself. The gap between
  // this and the policy run is the policy machinery; the gap to the plain run also holds the cost of reading fewer,
  // scattered rows.
  const team = { field: 'ownerId', op: 'in', value: [...teams[0]!.members, manager.id] } as const
  const handWritten: Record<string, (crm: CrmServices, i: number) => Promise<unknown>> = {
    list: (crm) => crm.contacts.list({ limit: 50, where: team }),
    listRep: (crm) => crm.contacts.list({ limit: 50, where: { field: 'ownerId', op: 'eq', value: rep.id } }),
    get: (crm, i) =>
      crm.contacts.list({
        where: { and: [{ field: 'id', op: 'eq', value: ids[i % ids.length] as string }, team] },
        limit: 1,
      }),
    search: (crm, i) => crm.contacts.search(`Client${i % 97}`, { limit: 20, where: team }),
  }

  // Wall and CPU (user + system of this process: better-sqlite3 runs on the main thread) per call, in ms.
  const cpu: number[] = []
  async function time(
    crm: CrmServices,
    run: (crm: CrmServices, i: number) => Promise<unknown>,
  ): Promise<number> {
    const cpuStart = process.cpuUsage()
    const start = process.hrtime.bigint()
    for (let i = 0; i < CALLS; i++) await run(crm, i)
    const wall = Number(process.hrtime.bigint() - start) / 1e6 / CALLS
    const used = process.cpuUsage(cpuStart)
    cpu.push((used.user + used.system) / 1e3 / CALLS)
    return wall
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  const only = process.env['BENCH_WORKLOADS']?.split(',')
  for (const [name, run] of Object.entries(workloads)) {
    if (only && !only.includes(name)) continue
    const guarded = name === 'listRep' ? guardedRep : guardedManager
    await time(plain, run)
    await time(guarded, run)
    const ratios: number[] = []
    const cpuRatios: number[] = []
    const plainMs: number[] = []
    const guardedMs: number[] = []
    const plainCpu: number[] = []
    const guardedCpu: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which side runs first, so a load spike hits both alike.
      const first = r % 2 === 0 ? plain : guarded
      const a = await time(first, run)
      const aCpu = cpu.at(-1) as number
      const b = await time(first === plain ? guarded : plain, run)
      const bCpu = cpu.at(-1) as number
      const [p, pc, g, gc] = first === plain ? [a, aCpu, b, bCpu] : [b, bCpu, a, aCpu]
      plainMs.push(p)
      guardedMs.push(g)
      plainCpu.push(pc)
      guardedCpu.push(gc)
      ratios.push(g / p)
      cpuRatios.push(gc / pc)
    }
    const hand = handWritten[name] as (crm: CrmServices, i: number) => Promise<unknown>
    const handRatios: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      const h = await time(plain, hand)
      handRatios.push((await time(guarded, run)) / h)
    }
    results[name] = {
      // When and under what load this workload ran (a run of some workloads keeps the others' entries).
      at: new Date().toISOString(),
      loadAverage: loadavg(),
      vsHandWrittenWhere: median(handRatios),
      noPolicyMsPerCall: median(plainMs),
      policyMsPerCall: median(guardedMs),
      noPolicyCpuMsPerCall: median(plainCpu),
      policyCpuMsPerCall: median(guardedCpu),
      ratio: median(ratios),
      cpuRatio: median(cpuRatios),
      target: 1.25,
      met: median(ratios) <= 1.25,
    }
    if (name === 'list' || name === 'listRep') {
      // SQLite's share: the same page statement on the raw driver, unscoped vs with the scope the policy compiles.
      const owners = name === 'list' ? team.value : [rep.id]
      const rawSql = benchScopedSql({ file, owners, rounds: ROUNDS, calls: CALLS * 5 })
      results[name] = { ...(results[name] as object), rawSql }
    }
    console.log(name, JSON.stringify(results[name]))
  }
}

mkdirSync(dirname(out), { recursive: true })
writeFileSync(
  out,
  `${JSON.stringify(
    {
      benchmark: 'access',
      at: ONLY_RLS ? previous?.at : new Date().toISOString(),
      ...(PG_URL
        ? { postgresRlsAt: new Date().toISOString() }
        : previous?.postgresRlsAt
          ? { postgresRlsAt: previous.postgresRlsAt }
          : {}),
      node: process.version,
      loadAverage: ONLY_RLS ? previous?.loadAverage : { before: loadBefore, after: loadavg() },
      ...(PG_URL
        ? { postgresRlsLoadAverage: { before: loadBefore, after: loadavg() } }
        : previous?.postgresRlsLoadAverage
          ? { postgresRlsLoadAverage: previous.postgresRlsLoadAverage }
          : {}),
      adapter: 'sqlite (better-sqlite3, file)',
      // The SQLite part's sizes (an RLS-only run keeps those of the run that measured it).
      contacts: ONLY_RLS ? previous?.contacts : CONTACTS,
      rounds: ONLY_RLS ? previous?.rounds : ROUNDS,
      callsPerRound: ONLY_RLS ? previous?.callsPerRound : CALLS,
      actor: 'team manager (team scope over 11 owners; phones and emails masked)',
      results,
      ...(postgresRls ? { postgresRls } : {}),
    },
    null,
    2,
  )}\n`,
)
console.log(`wrote ${out}`)
