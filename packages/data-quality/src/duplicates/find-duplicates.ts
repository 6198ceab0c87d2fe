import type { CrmServices } from '@rapport/core'
import type { DuplicateMatch } from './duplicate-error.js'
import type { DuplicateRule } from './duplicate-rule.js'
import { candidateIds } from './match-key-store.js'
import { matchKeysOf } from './match-keys.js'
import { prepareRecord, scorePrepared } from './score-pair.js'

/** The two ids of a pair in canonical order, as stored in `dqNotDuplicate`. */
export function orderedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a]
}

/** A record's `createdAt` as epoch milliseconds (records without one sort last). */
function timeOf(value: unknown): number {
  const time =
    value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN
  return Number.isNaN(time) ? Number.MAX_SAFE_INTEGER : time
}

/**
 * The existing records `record` duplicates under `rule`, best first (at most `maxMatches`; equal scores oldest record
 * first, then by id): candidates from the persisted match keys, read through `crm` (so access rules apply to them),
 * scored, minus "not a duplicate" pairs.
 */
export async function findMatches(
  crm: CrmServices,
  rule: DuplicateRule,
  record: Readonly<Record<string, unknown>>,
  selfId?: string,
): Promise<DuplicateMatch[]> {
  const ids = await candidateIds(crm, rule, matchKeysOf(rule, record), selfId)
  if (ids.length === 0) return []
  const candidates: Record<string, unknown>[] = []
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500)
    const page = await crm.entity<Record<string, unknown>>(rule.entity).list({
      where: { field: 'id', op: 'in', value: chunk },
      limit: chunk.length,
    })
    candidates.push(...page.items)
  }
  let matches: DuplicateMatch[] = []
  const createdAt = new Map<string, number>()
  const self = prepareRecord(rule, record)
  for (const candidate of candidates) {
    const s = scorePrepared(rule, self, prepareRecord(rule, candidate))
    if (!s.duplicate) continue
    createdAt.set(candidate['id'] as string, timeOf(candidate['createdAt']))
    matches.push({
      id: candidate['id'] as string,
      score: s.score,
      fields: s.fields,
      ...(s.sureKey ? { sureKey: s.sureKey } : {}),
    })
  }
  if (selfId && matches.length > 0) {
    const dismissed = await crm.entity<{ aId: string; bId: string }>('dqNotDuplicate').list({
      where: {
        or: [
          {
            and: [
              { field: 'aId', op: 'eq', value: selfId },
              { field: 'bId', op: 'in', value: matches.map((m) => m.id) },
            ],
          },
          {
            and: [
              { field: 'bId', op: 'eq', value: selfId },
              { field: 'aId', op: 'in', value: matches.map((m) => m.id) },
            ],
          },
        ],
      },
      limit: 1000,
    })
    const skip = new Set(dismissed.items.flatMap((d) => [d.aId, d.bId]))
    matches = matches.filter((m) => !skip.has(m.id))
  }
  // Ties go to the oldest record (then the id): deterministic, and the record a person most likely meant.
  matches.sort(
    (a, b) =>
      b.score - a.score ||
      (createdAt.get(a.id) as number) - (createdAt.get(b.id) as number) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  return matches.slice(0, rule.maxMatches)
}
