import type { AccessPolicyModel } from '@rapport/access'
import { accessControl } from '@rapport/access'
import type { Crm, CrmServices } from '@rapport/core'
import { createCrm } from '@rapport/core'
import type { PostgresStorage } from '@rapport/storage-postgres'
import { createPostgresStorage } from '@rapport/storage-postgres'

/** What one RLS comparison measured: per-call medians and the median of per-round ratios (RLS on / off). */
export interface RlsResult {
  readonly offMsPerCall: number
  readonly onMsPerCall: number
  readonly ratio: number
  /** The same ratio on this process's CPU time (the client's share only). */
  readonly clientCpuRatio: number
}

/**
 * The same CRM calls (under the same access policy, as the same team manager) on two schemas of one Postgres server
 * holding the same contacts: one migrated with `rls: true` (every operation in a transaction bound to its tenant,
 * as the runtime role, under FORCEd RESTRICTIVE policies), one without. Rounds alternate between the two; the ratio
 * is the median of per-round ratios.
 */
export async function benchPostgresRls(options: {
  readonly url: string
  readonly policy: AccessPolicyModel
  readonly actor: { readonly id: string }
  readonly owners: readonly string[]
  readonly contacts: number
  readonly rounds: number
  readonly calls: number
}): Promise<Record<string, RlsResult>> {
  const { url, contacts, rounds, calls } = options
  const storages: Record<'off' | 'on', PostgresStorage> = {
    off: createPostgresStorage({ connectionString: url }, { schema: 'bench_access_rls_off' }),
    on: createPostgresStorage({ connectionString: url }, { schema: 'bench_access_rls_on', rls: true }),
  }
  const crms = {} as Record<'off' | 'on', CrmServices>
  const reps = {} as Record<'off' | 'on', CrmServices>
  for (const key of ['off', 'on'] as const) {
    const seed = createCrm({ storage: storages[key] })
    await seed.migrate()
    const have = await seed.contacts.count()
    for (let i = have; i < contacts; i += 500) {
      await seed.contacts.createMany(
        Array.from({ length: Math.min(500, contacts - i) }, (_, k) => {
          const n = i + k
          return {
            firstName: `Client${n % 97}`,
            lastName: `Person ${n}`,
            ownerId: options.owners[n % options.owners.length],
            phones: [{ number: `+86139${String(10_000_000 + n).slice(-8)}` }],
            emails: [{ address: `client${n}@acme.example` }],
          }
        }),
      )
    }
    const crm: Crm = createCrm({
      storage: storages[key],
      actor: options.actor,
      plugins: [accessControl(options.policy)] as const,
    })
    // The plugin's own model (shareGrant) must exist too: the seeding CRM above has no plugins.
    await crm.migrate()
    crms[key] = crm
    // Creates run as a rep (the manager role has no create): the CRM the same as above, another actor.
    reps[key] = crm.scoped({ actor: { id: options.owners[0] as string } })
  }
  const ids = (await crms.on.contacts.list({ limit: 100 })).items.map((c) => c.id)
  const idsOff = (await crms.off.contacts.list({ limit: 100 })).items.map((c) => c.id)
  const own = options.owners[0] as string
  const workloads: Record<string, (crm: CrmServices, i: number, key: 'off' | 'on') => Promise<unknown>> = {
    list: (crm) => crm.contacts.list({ limit: 50 }),
    get: (crm, i, key) => crm.contacts.get((key === 'on' ? ids : idsOff)[i % ids.length] as string),
    search: (crm, i) => crm.contacts.search(`Client${i % 97}`, { limit: 20 }),
    create: (_crm, i, key) => reps[key].contacts.create({ firstName: `New${i}`, ownerId: own }),
    update: async (crm, i, key) => {
      const id = (key === 'on' ? ids : idsOff)[i % ids.length] as string
      return crm.contacts.update(id, { title: `T${i}` })
    },
  }
  // This process's CPU per call (the client side only: the server's work is not in it), beside wall.
  let lastCpu = 0
  const time = async (
    key: 'off' | 'on',
    run: (crm: CrmServices, i: number, key: 'off' | 'on') => Promise<unknown>,
  ) => {
    const cpuStart = process.cpuUsage()
    const start = process.hrtime.bigint()
    for (let i = 0; i < calls; i++) await run(crms[key], i, key)
    const used = process.cpuUsage(cpuStart)
    lastCpu = (used.user + used.system) / 1e3 / calls
    return Number(process.hrtime.bigint() - start) / 1e6 / calls
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  const out: Record<string, RlsResult> = {}
  for (const [name, run] of Object.entries(workloads)) {
    await time('off', run)
    await time('on', run)
    const off: number[] = []
    const on: number[] = []
    const ratios: number[] = []
    const cpuRatios: number[] = []
    for (let r = 0; r < rounds; r++) {
      const first = r % 2 === 0 ? 'off' : 'on'
      const a = await time(first, run)
      const aCpu = lastCpu
      const b = await time(first === 'off' ? 'on' : 'off', run)
      const bCpu = lastCpu
      const [o, n] = first === 'off' ? [a, b] : [b, a]
      const [oc, nc] = first === 'off' ? [aCpu, bCpu] : [bCpu, aCpu]
      off.push(o)
      on.push(n)
      ratios.push(n / o)
      cpuRatios.push(nc / oc)
    }
    out[name] = {
      offMsPerCall: median(off),
      onMsPerCall: median(on),
      ratio: median(ratios),
      clientCpuRatio: median(cpuRatios),
    }
    console.log(`postgres rls ${name}`, JSON.stringify(out[name]))
  }
  for (const s of Object.values(storages)) await s.close()
  return out
}
