// Postgres: crm.contacts paths against pg on the same server, schema and table crm.migrate() created (its indexes
// and GIN search index included). The raw side uses one client and named prepared statements.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { Crm } from '@rapport/core'
import { createCrm } from '@rapport/core'
import { createPostgresStorage } from '@rapport/storage-postgres'
import pg from 'pg'
import {
  assertSameRecord,
  CONTACT_COLUMNS,
  contactInput,
  contactValues,
  OWNERS,
  postgresContact,
  RECORD_COLUMNS,
  rawId,
  TENANT,
} from './contact-rows.ts'
import type { Comparison } from './harness.ts'
import { compare } from './harness.ts'
import type { Sizes } from './sizes.ts'
import { selected } from './sizes.ts'

/** The Postgres type of each column, for `unnest()` of column arrays. */
const COLUMN_TYPES: Record<(typeof CONTACT_COLUMNS)[number], string> = {
  id: 'text',
  tenant_id: 'text',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  version: 'bigint',
  archived_at: 'timestamptz',
  prefix: 'text',
  first_name: 'text',
  middle_name: 'text',
  last_name: 'text',
  suffix: 'text',
  emails: 'jsonb',
  phones: 'jsonb',
  title: 'text',
  company_id: 'text',
  owner_id: 'text',
  lifecycle_stage: 'text',
  status: 'text',
  source: 'text',
  address: 'jsonb',
  tags: 'jsonb',
  custom: 'jsonb',
  primary_email: 'text',
  email_addresses: 'jsonb',
  phone_numbers: 'jsonb',
  search_terms: 'text',
  search_keys: 'text',
}

export async function postgresPaths(url: string, sizes: Sizes): Promise<Comparison[]> {
  const schema = `bench_limits_${randomBytes(3).toString('hex')}`
  // Each side's backends carry their own application_name, so the server's CPU for each can be read apart.
  const rapportUrl = new URL(url)
  rapportUrl.searchParams.set('application_name', `${schema}_rapport`)
  const crm = createCrm({
    storage: createPostgresStorage({ connectionString: rapportUrl.toString() }, { schema }),
  }) as Crm
  // The raw connection resolves names as the storage's own pool does (`search_path` at the schema), so what the
  // migrated table's triggers run finds the same objects on both sides.
  const client = new pg.Client({
    connectionString: url,
    options: `-c search_path="${schema}"`,
    application_name: `${schema}_raw`,
  })
  await client.connect()
  const monitor = new pg.Client({ connectionString: url })
  await monitor.connect()
  const server = await serverCpu(monitor, schema)
  try {
    await crm.migrate()
    for (let i = 0; i < sizes.seed; i += 1000) {
      await crm.contacts.createMany(
        Array.from({ length: Math.min(1000, sizes.seed - i) }, (_, k) => contactInput(i + k, 'seed')),
      )
    }
    await client.query(`analyze "${schema}".contact`)
    const table = `"${schema}".contact`
    const ids: string[] = (
      await client.query(`select id from ${table} where tenant_id = $1`, [TENANT])
    ).rows.map((r: { id: string }) => r.id)
    const results: Comparison[] = []

    const get = {
      name: `${schema}_get`,
      text: `select ${RECORD_COLUMNS.join(', ')} from ${table} where tenant_id = $1 and id = $2`,
    }
    assertSameRecord(
      await crm.contacts.get(ids[0]!),
      postgresContact((await client.query({ ...get, values: [TENANT, ids[0]] })).rows[0]),
    )
    let g = 0
    if (selected('get'))
      results.push(
        await compare({
          path: 'crm.contacts.get(id)',
          baseline: 'named prepared statement + hand-written row mapper',
          target: 0.8,
          ops: Math.ceil(sizes.gets / 5),
          rounds: sizes.rounds,
          rapport: {
            ...server.rapport,
            async run(ops) {
              for (let i = 0; i < ops; i++) await crm.contacts.get(ids[g++ % ids.length]!)
            },
          },
          raw: {
            ...server.raw,
            async run(ops) {
              for (let i = 0; i < ops; i++) {
                const { rows } = await client.query({ ...get, values: [TENANT, ids[g++ % ids.length]] })
                postgresContact(rows[0])
              }
            },
          },
        }),
      )

    const page = {
      name: `${schema}_page`,
      text: `select ${RECORD_COLUMNS.join(', ')} from ${table} where tenant_id = $1 and owner_id = $2 and archived_at is null order by updated_at desc, id desc limit 51`,
    }
    const listOptions = (owner: number) => ({
      where: { field: 'ownerId', op: 'eq', value: `usr_${owner % OWNERS}` } as const,
      orderBy: [{ field: 'updatedAt', direction: 'desc' } as const],
      limit: 50,
    })
    assertSameRecord(
      (await crm.contacts.list(listOptions(3))).items,
      (await client.query({ ...page, values: [TENANT, 'usr_3'] })).rows.slice(0, 50).map(postgresContact),
    )
    let l = 0
    if (selected('list'))
      results.push(
        await compare({
          path: 'crm.contacts.list (50 by owner, newest first)',
          baseline: 'the same SQL as a named prepared statement + hand-written row mapper',
          target: 0.7,
          ops: Math.ceil(sizes.pages / 2),
          rounds: sizes.rounds,
          rapport: {
            ...server.rapport,
            async run(ops) {
              for (let i = 0; i < ops; i++) await crm.contacts.list(listOptions(l++))
            },
          },
          raw: {
            ...server.raw,
            async run(ops) {
              for (let i = 0; i < ops; i++) {
                const { rows } = await client.query({ ...page, values: [TENANT, `usr_${l++ % OWNERS}`] })
                rows.slice(0, 50).map(postgresContact)
              }
            },
          },
        }),
      )

    const columns = CONTACT_COLUMNS.join(', ')
    const unnest = `insert into ${table} (${columns}) select * from unnest(${CONTACT_COLUMNS.map((c, i) => `$${i + 1}::${COLUMN_TYPES[c]}[]`).join(', ')})`
    let w = sizes.seed
    const batch = 1000
    if (selected('createMany'))
      results.push(
        await compare({
          path: 'crm.contacts.createMany (batches of 1,000; rows/s)',
          baseline: 'BEGIN; one INSERT … SELECT FROM unnest(column arrays); COMMIT per batch, no validation',
          target: 0.8,
          ops: sizes.bulkRows,
          rounds: sizes.rounds,
          warmup: batch,
          rapport: {
            ...server.rapport,
            async run(ops) {
              for (let done = 0; done < ops; done += batch) {
                const n = Math.min(batch, ops - done)
                await crm.contacts.createMany(Array.from({ length: n }, () => contactInput(w++)))
              }
            },
          },
          raw: {
            ...server.raw,
            async run(ops) {
              for (let done = 0; done < ops; done += batch) {
                const n = Math.min(batch, ops - done)
                const now = new Date()
                const arrays: unknown[][] = CONTACT_COLUMNS.map(() => new Array(n))
                for (let k = 0; k < n; k++) {
                  const values = contactValues(contactInput(w++), rawId(now.getTime()), now)
                  for (let c = 0; c < values.length; c++) arrays[c]![k] = values[c]
                }
                await client.query('begin')
                await client.query({ name: `${schema}_unnest`, text: unnest, values: arrays })
                await client.query('commit')
              }
            },
          },
        }),
      )

    const insert = {
      name: `${schema}_insert`,
      text: `insert into ${table} (${columns}) values (${CONTACT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
    }
    if (selected('create'))
      results.push(
        await compare({
          path: 'crm.contacts.create (each its own transaction)',
          baseline: 'BEGIN; named prepared INSERT; COMMIT',
          target: 0.7,
          ops: Math.ceil(sizes.creates / 2),
          rounds: sizes.rounds,
          rapport: {
            ...server.rapport,
            async run(ops) {
              for (let i = 0; i < ops; i++) await crm.contacts.create(contactInput(w++))
            },
          },
          raw: {
            ...server.raw,
            async run(ops) {
              for (let i = 0; i < ops; i++) {
                const now = new Date()
                await client.query('begin')
                await client.query({
                  ...insert,
                  values: contactValues(contactInput(w++), rawId(now.getTime()), now),
                })
                await client.query('commit')
              }
            },
          },
        }),
      )
    return results
  } finally {
    await crm.close()
    await client.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined)
    await client.end()
    await monitor.end()
  }
}

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`, 100 on Linux). */
const TICKS_PER_SECOND = 100

/**
 * Each side's server CPU (`Side.serverCpuMicros`): the user + system time of the backends serving it, read from
 * `/proc/<pid>/stat`. Only when the server runs on this machine (its backends' `/proc` entries are visible); the
 * sides then carry no server figure otherwise.
 */
async function serverCpu(
  monitor: pg.Client,
  schema: string,
): Promise<{
  rapport: { serverCpuMicros?: () => Promise<number> }
  raw: { serverCpuMicros?: () => Promise<number> }
}> {
  const { rows } = await monitor.query('select pg_backend_pid() as pid')
  if (!existsSync(`/proc/${rows[0].pid}/stat`)) return { rapport: {}, raw: {} }
  const ticks = (pid: number): number => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      // utime and stime are fields 14 and 15; after "pid (comm) " the list starts at field 3.
      return Number(fields[11]) + Number(fields[12])
    } catch {
      return 0 // the backend ended meanwhile
    }
  }
  const side = (app: string) => ({
    async serverCpuMicros() {
      const { rows: backends } = await monitor.query(
        'select pid from pg_stat_activity where application_name = $1',
        [app],
      )
      let total = 0
      for (const { pid } of backends) total += ticks(pid)
      return (total * 1e6) / TICKS_PER_SECOND
    },
  })
  return { rapport: side(`${schema}_rapport`), raw: side(`${schema}_raw`) }
}
