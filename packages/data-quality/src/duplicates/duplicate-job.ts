import type { CrmServices } from '@rapport/core'
import type { DuplicateRule } from './duplicate-rule.js'
import { findMatches } from './find-duplicates.js'
import { syncMatchKeys } from './match-key-store.js'

/** What a "find every duplicate" run did. */
export interface DuplicateJobResult {
  readonly entity: string
  readonly ruleId: string
  /** Records read. */
  readonly scanned: number
  /** Duplicate sets found (connected groups of duplicate pairs). */
  readonly sets: number
  /** Of those, sets not already open, now stored with status `open`. */
  readonly created: number
}

/**
 * Streams over every record of the rule's entity (keyset pages through `crm`), looks each up through the persisted
 * match keys, joins duplicate pairs into connected sets and stores each new set as an open `dqDuplicateSet`.
 * Running it again creates no second copy of a set that is still open.
 */
export async function runDuplicateJob(crm: CrmServices, rule: DuplicateRule): Promise<DuplicateJobResult> {
  const parent = new Map<string, string>()
  const find = (x: string): string => {
    let root = x
    while (parent.get(root) !== root) root = parent.get(root) as string
    parent.set(x, root)
    return root
  }
  const pairs: { a: string; b: string; score: number }[] = []
  let scanned = 0
  for await (const record of crm.entity<Record<string, unknown>>(rule.entity).iterate({ limit: 500 })) {
    scanned++
    const id = record['id'] as string
    for (const match of await findMatches(crm, rule, record, id)) {
      if (match.id < id) continue // each pair once: from its smaller id
      for (const x of [id, match.id]) if (!parent.has(x)) parent.set(x, x)
      parent.set(find(id), find(match.id))
      pairs.push({ a: id, b: match.id, score: match.score })
    }
  }
  const groups = new Map<string, { ids: Set<string>; pairs: typeof pairs }>()
  for (const pair of pairs) {
    const root = find(pair.a)
    const group = groups.get(root) ?? { ids: new Set<string>(), pairs: [] }
    group.ids.add(pair.a).add(pair.b)
    group.pairs.push(pair)
    groups.set(root, group)
  }
  const sets = crm.entity<{ recordIds: string[] }>('dqDuplicateSet')
  const open = new Set<string>()
  for await (const set of sets.iterate({
    where: {
      and: [
        { field: 'entity', op: 'eq', value: rule.entity },
        { field: 'status', op: 'eq', value: 'open' },
      ],
    },
  })) {
    open.add([...set.recordIds].sort().join(','))
  }
  let created = 0
  for (const group of groups.values()) {
    const recordIds = [...group.ids].sort()
    if (open.has(recordIds.join(','))) continue
    await sets.create({ entity: rule.entity, ruleId: rule.id, status: 'open', recordIds, pairs: group.pairs })
    created++
  }
  return { entity: rule.entity, ruleId: rule.id, scanned, sets: groups.size, created }
}

/** Recomputes the persisted match keys of every record of `entity` (after adding the plugin or changing rules). */
export async function rebuildMatchKeys(
  crm: CrmServices,
  rules: readonly DuplicateRule[],
  entity: string,
): Promise<number> {
  let count = 0
  for await (const record of crm.entity<Record<string, unknown>>(entity).iterate({
    limit: 500,
    includeArchived: true,
  })) {
    await crm.transaction((tx) => syncMatchKeys(tx, rules, record, record['id'] as string, entity, {}))
    count++
  }
  return count
}
