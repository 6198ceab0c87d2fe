import type { CrmServices } from '@rapport/core'
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

/**
 * Persists the match keys of records just created (none stored yet) with one `createMany` per batch, through `crm`
 * (the write's transaction when called from a hook): the same keys, row for row, as {@link syncMatchKeys} writes
 * for each record alone.
 */
export async function insertMatchKeys(
  crm: CrmServices,
  rules: readonly DuplicateRule[],
  records: readonly Readonly<Record<string, unknown>>[],
  entity: string,
): Promise<number> {
  const rows: Record<string, unknown>[] = []
  for (const record of records) {
    const recordId = record['id'] as string
    for (const k of dedupe(rules.flatMap((rule) => matchKeysOf(rule, record)))) {
      rows.push({ entity, recordId, key: k.key, value: k.value })
    }
  }
  if (rows.length > 0) await crm.entity('dqMatchKey').createMany(rows)
  return rows.length
}

/**
 * {@link syncMatchKeys} for a batch of updated records (core's `update.afterMany`), through `crm`: records whose keys
 * did not change are skipped without touching storage; the stored keys of the others are read with one query and
 * the missing ones written with one `createMany`. Leaves the same keys as {@link syncMatchKeys} record by record.
 */
export async function syncMatchKeysMany(
  crm: CrmServices,
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
  const keys = crm.entity<StoredKey & { recordId: string }>('dqMatchKey')
  const have = new Map<string, Set<string>>()
  const stored: (StoredKey & { recordId: string })[] = []
  const ids = [...changed.keys()]
  // A filter's `in` list holds at most 1,000 values (core's filter limits).
  for (let i = 0; i < ids.length; i += 1000) {
    for await (const row of keys.iterate({
      where: { field: 'recordId', op: 'in', value: ids.slice(i, i + 1000) },
      includeArchived: true,
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
  const rows: Record<string, unknown>[] = []
  for (const [recordId, wanted] of changed) {
    const kept = have.get(recordId)
    for (const k of dedupe(wanted)) {
      if (!kept?.has(`${k.key}\u0000${k.value}`)) rows.push({ entity, recordId, key: k.key, value: k.value })
    }
  }
  if (rows.length > 0) await keys.createMany(rows)
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
