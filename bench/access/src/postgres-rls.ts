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
  const time = async (
    key: 'off' | 'on',
    run: (crm: CrmServices, i: number, key: 'off' | 'on') => Promise<unknown>,
  ) => {
    const start = process.hrtime.bigint()
    for (let i = 0; i < calls; i++) await run(crms[key], i, key)
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
    for (let r = 0; r < rounds; r++) {
      const first = r % 2 === 0 ? 'off' : 'on'
      const a = await time(first, run)
      const b = await time(first === 'off' ? 'on' : 'off', run)
      const [o, n] = first === 'off' ? [a, b] : [b, a]
      off.push(o)
      on.push(n)
      ratios.push(n / o)
    }
    out[name] = { offMsPerCall: median(off), onMsPerCall: median(on), ratio: median(ratios) }
    console.log(`postgres rls ${name}`, JSON.stringify(out[name]))
  }
  for (const s of Object.values(storages)) await s.close()
  return out
}
