// bench/marketing-segments: count a dynamic segment among N contacts on SQLite (issue 13: "a dynamic segment count at
// 1M contacts, pushed down to SQL"), with crm.plugins.marketing.segments.count (one query: the segment's filter AND
// NOT the excluded static segment's memberships), against a raw better-sqlite3 COUNT of the same predicate on the same
// table. The dataset is built once through the services and cached under .data/.
// Run: pnpm --filter @rapport/bench-marketing-segments bench   (BENCH_N=1000000 for the size)
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCrm } from '@rapport/core'
import { marketingPlugin } from '@rapport/marketing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'

const N = Number(process.env['BENCH_N'] ?? 100_000)
const RUNS = 5
const here = dirname(fileURLToPath(import.meta.url))
const dataDir = join(here, '..', '.data')
const file = join(dataDir, `segments-${N}.db`)
const TIERS = ['bronze', 'silver', 'gold', 'platinum']

const open = (path: string) =>
  createCrm({
    storage: createSqliteStorage({ file: path }),
    customFields: { contact: [{ key: 'tier', type: 'text' }] },
    plugins: [marketingPlugin()] as const,
  })

async function build(): Promise<number> {
  mkdirSync(dataDir, { recursive: true })
  const tmp = `${file}.building`
  rmSync(tmp, { force: true })
  const crm = open(tmp)
  await crm.migrate()
  const started = performance.now()
  for (let i = 0; i < N; i += 1000) {
    const batch = []
    for (let j = i; j < Math.min(N, i + 1000); j++) {
      batch.push({
        firstName: `C${j}`,
        tags: j % 7 === 0 ? ['vip'] : j % 3 === 0 ? ['news'] : [],
        custom: { tier: TIERS[j % 4] as string },
      })
    }
    await crm.contacts.createMany(batch)
    if ((i + 1000) % 100_000 === 0) process.stderr.write(`  built ${i + 1000}/${N}\n`)
  }
  await crm.close()
  renameSync(tmp, file)
  return (performance.now() - started) / 1000
}

const buildSeconds = existsSync(file) ? null : await build()
if (buildSeconds !== null) console.log(`built ${N} contacts in ${buildSeconds.toFixed(1)} s`)

const crm = open(file)
const seg = crm.plugins.marketing.segments
for (const s of (await crm.entity('segment').list({ limit: 100 })).items) await seg.delete(s['id'] as string)
const blocked = await seg.create({ name: 'Blocked', kind: 'static' })
const firstVips = await crm.contacts.list({ where: { field: 'tags', op: 'eq', value: 'vip' }, limit: 100 })
await seg.add(
  blocked.id,
  firstVips.items.map((c) => c.id),
)
const target = await seg.create({
  name: 'VIP gold or platinum, not blocked',
  kind: 'dynamic',
  filter: {
    and: [
      { field: 'tags', op: 'eq', value: 'vip' },
      { field: 'custom.tier', op: 'in', value: ['gold', 'platinum'] },
    ],
  },
  exclude: [blocked.id],
})

const raw = new Database(file, { readonly: true })
const rawCount = raw.prepare(`
  select count(*) as n from contact c
  where c.tenant_id = 'default' and c.archived_at is null
    and exists (select 1 from json_each(c.tags) t where t.value = 'vip')
    and json_extract(c.custom, '$.tier') in ('gold', 'platinum')
    and not exists (select 1 from marketing_segment_membership m
                    where m.tenant_id = 'default' and m.record_id = c.id and m.segment_id = ?)`)

const time = async (fn: () => unknown) => {
  const samples: number[] = []
  let value: unknown
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now()
    value = await fn()
    samples.push(performance.now() - t0)
  }
  samples.sort((a, b) => a - b)
  return { value, medianMs: samples[Math.floor(RUNS / 2)] as number }
}
const ours = await time(() => seg.count(target.id))
const reference = await time(() => (rawCount.get(blocked.id) as { n: number }).n)
if (ours.value !== reference.value)
  throw new Error(`counts differ: segment ${ours.value}, raw ${reference.value}`)
const result = {
  bench: 'marketing-segments',
  contacts: N,
  members: ours.value,
  segmentCountMedianMs: Number(ours.medianMs.toFixed(2)),
  rawCountMedianMs: Number(reference.medianMs.toFixed(2)),
  ratio: Number((ours.medianMs / reference.medianMs).toFixed(2)),
  buildSeconds,
  runs: RUNS,
  at: new Date().toISOString(),
}
console.log(result)
mkdirSync(join(here, '..', '..', 'results'), { recursive: true })
writeFileSync(
  join(here, '..', '..', 'results', `marketing-segments-${N}.json`),
  `${JSON.stringify(result, null, 2)}\n`,
)
raw.close()
await crm.close()
