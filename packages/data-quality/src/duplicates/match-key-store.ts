import type { CrmServices } from '@rapport/core'
import { createIdGenerator } from '@rapport/core/ids'
import type { HookContext } from '@rapport/core/plugin'
import type { StorageRow } from '@rapport/core/storage'
import { unstorableTextReason } from '@rapport/core/storage'
import { matchKeyEntity } from './duplicate-entities.js'
import type { DuplicateRule } from './duplicate-rule.js'
import type { MatchKey } from './match-keys.js'
import { matchKeysOf } from './match-keys.js'

interface StoredKey {
  readonly id: string
  readonly key: string
  readonly value: string
}

const sameKeys = (a: readonly MatchKey[], b: readonly MatchKey[]) => {
  if (a.length !== b.length) return false
  const set = new Set(a.map((k) => `${k.key}\u0000${k.value}`))
  return b.every((k) => set.has(`${k.key}\u0000${k.value}`))
}

/**
 * Brings the persisted match keys of one record in line with the record, through `crm` (the write's transaction
 * when called from a hook). `before` lets an update that changes no matching field skip the storage entirely.
 */
export async function syncMatchKeys(
  crm: CrmServices,
  rules: readonly DuplicateRule[],
  record: Readonly<Record<string, unknown>> | null,
  recordId: string,
  entity: string,
  before?: Readonly<Record<string, unknown>>,
): Promise<void> {
  const wanted = record ? rules.flatMap((rule) => matchKeysOf(rule, record)) : []
  if (
    before &&
    record &&
    sameKeys(
      wanted,
      rules.flatMap((rule) => matchKeysOf(rule, before)),
    )
  )
    return
  const keys = crm.entity<StoredKey>('dqMatchKey')
  const stored = before || !record ? await storedKeys(crm, recordId) : []
  const want = new Set(wanted.map((k) => `${k.key}\u0000${k.value}`))
  const have = new Set<string>()
  for (const row of stored) {
    const id = `${row.key}\u0000${row.value}`
    if (want.has(id) && !have.has(id)) have.add(id)
    else await keys.delete(row.id)
  }
  const missing = dedupe(wanted).filter((k) => !have.has(`${k.key}\u0000${k.value}`))
  if (missing.length > 0) {
    await keys.createMany(missing.map((k) => ({ entity, recordId, key: k.key, value: k.value })))
  }
}

/** A match key row to store: the record it belongs to, the key, and when it was written (the record's time). */
interface KeyRow {
  readonly entity: string
  readonly recordId: string
  readonly key: string
  readonly value: string
}

// Match key rows written straight to storage get ids of the entity's prefix, minted as core mints record ids.
const nextId = createIdGenerator()

/**
 * Whether `row` is what `dqMatchKey`'s schema accepts and every adapter stores identically (lengths as declared in
 * {@link matchKeyEntity}, no NUL or lone surrogate): such rows skip the services' per-row checks. Key values come
 * from validated records, so this holds in practice; a row failing it sends its batch through the services, which
 * refuse it with the error they always gave.
 */
function storable(row: KeyRow): boolean {
  return (
    row.key.length > 0 &&
    row.key.length <= 40 &&
    row.value.length > 0 &&
    row.value.length <= 1000 &&
    row.recordId.length > 0 &&
    row.recordId.length <= 100 &&
    row.entity.length > 0 &&
    row.entity.length <= 100 &&
    unstorableTextReason(row.value) === undefined &&
    unstorableTextReason(row.key) === undefined &&
    unstorableTextReason(row.recordId) === undefined
  )
}

/**
 * Writes match key rows in the hook's transaction with one storage `createMany` (a multi-row INSERT per batch on SQL
 * adapters): match keys are the plugin's bookkeeping, derived from records the services already validated, so they
 * skip the services' per-row validation, access checks and events. `at` is their `createdAt` (the written records'
 * time). Rows the services would refuse go through the services instead, with their error.
 */
async function writeKeyRows(ctx: HookContext, rows: readonly KeyRow[], at: Date): Promise<void> {
  if (rows.length === 0) return
  const model = ctx.schema.models[matchKeyEntity.name]
  if (!model || !rows.every(storable)) {
    await ctx.crm.entity('dqMatchKey').createMany(rows.map((r) => ({ ...r })))
    return
  }
  const data: StorageRow[] = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as KeyRow
    data[i] = {
      id: nextId(matchKeyEntity.idPrefix, at),
      tenantId: ctx.tenantId,
      createdAt: at,
      updatedAt: at,
      version: 1,
      archivedAt: null,
      entity: r.entity,
      recordId: r.recordId,
      key: r.key,
      value: r.value,
    }
  }
  await ctx.storage.createMany({ model, tenantId: ctx.tenantId, schema: ctx.schema, data })
}

/** The time a hook's batch of records was written (their `updatedAt`), for the match keys written with them. */
function writtenAt(records: readonly Readonly<Record<string, unknown>>[]): Date {
  const at = records[0]?.['updatedAt']
  return at instanceof Date ? at : new Date()
}

/**
 * Persists the match keys of records just created (none stored yet) in the hook's transaction, with one storage
 * `createMany` per batch: the same keys, row for row, as {@link syncMatchKeys} writes for each record alone.
 */
export async function insertMatchKeys(
  ctx: HookContext,
  rules: readonly DuplicateRule[],
  records: readonly Readonly<Record<string, unknown>>[],
  entity: string,
): Promise<number> {
  const rows: KeyRow[] = []
  for (const record of records) {
    const recordId = record['id'] as string
    for (const rule of rules) {
      for (const k of matchKeysOf(rule, record)) rows.push({ entity, recordId, key: k.key, value: k.value })
    }
  }
  const unique = dedupeRows(rows)
  await writeKeyRows(ctx, unique, writtenAt(records))
  return unique.length
}

/** Rows of one record repeating a (key, value) pair across rules, dropped (each record's keys are stored once). */
function dedupeRows(rows: readonly KeyRow[]): KeyRow[] {
  const out: KeyRow[] = []
  let recordId = ''
  const seen = new Set<string>()
  for (const row of rows) {
    if (row.recordId !== recordId) {
      recordId = row.recordId
      seen.clear()
    }
    const id = `${row.key}\u0000${row.value}`
    if (seen.has(id)) continue
    seen.add(id)
    out.push(row)
  }
  return out
}

/**
 * {@link syncMatchKeys} for a batch of updated records (core's `update.afterMany`), through `crm`: records whose keys
 * did not change are skipped without touching storage; the stored keys of the others are read with one query and
 * the missing ones written with one `createMany`. Leaves the same keys as {@link syncMatchKeys} record by record.
 */
export async function syncMatchKeysMany(
  ctx: HookContext,
  rules: readonly DuplicateRule[],
  updates: readonly {
    readonly record: Readonly<Record<string, unknown>>
    readonly before: Readonly<Record<string, unknown>>
  }[],
  entity: string,
): Promise<void> {
  const changed = new Map<string, MatchKey[]>()
  for (const { record, before } of updates) {
    const wanted = rules.flatMap((rule) => matchKeysOf(rule, record))
    const previous = rules.flatMap((rule) => matchKeysOf(rule, before))
    if (!sameKeys(wanted, previous)) changed.set(record['id'] as string, wanted)
  }
  if (changed.size === 0) return
  const keys = ctx.crm.entity<StoredKey & { recordId: string }>('dqMatchKey')
  const have = new Map<string, Set<string>>()
  const stored: (StoredKey & { recordId: string })[] = []
  const ids = [...changed.keys()]
  // A filter's `in` list holds at most 1,000 values (core's filter limits).
  for (let i = 0; i < ids.length; i += 1000) {
    for await (const row of keys.iterate({
      where: { field: 'recordId', op: 'in', value: ids.slice(i, i + 1000) },
      includeArchived: true,
      // In the order of the by_record index: ordered by id alone, SQLite may scan every key of the tenant.
      orderBy: [{ field: 'recordId' }],
      limit: 1000,
    })) {
      stored.push(row)
    }
  }
  for (const row of stored) {
    const id = `${row.key}\u0000${row.value}`
    const wanted = changed.get(row.recordId)
    let kept = have.get(row.recordId)
    if (!kept) have.set(row.recordId, (kept = new Set()))
    if (wanted?.some((k) => `${k.key}\u0000${k.value}` === id) && !kept.has(id)) kept.add(id)
    else await keys.delete(row.id)
  }
  const rows: KeyRow[] = []
  for (const [recordId, wanted] of changed) {
    const kept = have.get(recordId)
    for (const k of dedupe(wanted)) {
      if (!kept?.has(`${k.key}\u0000${k.value}`)) rows.push({ entity, recordId, key: k.key, value: k.value })
    }
  }
  await writeKeyRows(ctx, rows, writtenAt(updates.map((u) => u.record)))
}

function dedupe(keys: readonly MatchKey[]): MatchKey[] {
  const seen = new Set<string>()
  return keys.filter((k) => {
    const id = `${k.key}\u0000${k.value}`
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

async function storedKeys(crm: CrmServices, recordId: string): Promise<StoredKey[]> {
  const out: StoredKey[] = []
  for await (const row of crm.entity<StoredKey>('dqMatchKey').iterate({
    where: { field: 'recordId', op: 'eq', value: recordId },
    includeArchived: true,
  })) {
    out.push(row)
  }
  return out
}

/**
 * The ids of records sharing a key value with `keys` (the record itself excluded), through the persisted index.
 * A key value shared by more than `maxBlockSize` records is ignored: it says nothing (`info@`, a switchboard).
 */
export async function candidateIds(
  crm: CrmServices,
  rule: DuplicateRule,
  keys: readonly MatchKey[],
  excludeId: string | undefined,
): Promise<string[]> {
  const ids = new Set<string>()
  for (const { key, value } of keys) {
    const page = await crm.entity<{ recordId: string }>('dqMatchKey').list({
      where: {
        and: [
          { field: 'entity', op: 'eq', value: rule.entity },
          { field: 'key', op: 'eq', value: key },
          { field: 'value', op: 'eq', value },
        ],
      },
      limit: rule.maxBlockSize + 2,
    })
    const block = page.items.map((r) => r.recordId).filter((id) => id !== excludeId)
    if (block.length > rule.maxBlockSize) continue
    for (const id of block) ids.add(id)
  }
  return [...ids]
}
