import type { CrmServices } from '@rapport/core'
import type { DuplicateRule } from './duplicate-rule.js'
import { syncMatchKeys } from './match-key-store.js'
import type { PreparedRecord } from './score-pair.js'
import { prepareRecord, scorePrepared } from './score-pair.js'

/** What a "find every duplicate" run did. */
export interface DuplicateJobResult {
  readonly entity: string
  readonly ruleId: string
  /** Records of the entity (archived ones excluded). */
  readonly scanned: number
  /** Persisted match keys read. */
  readonly keys: number
  /**
   * Candidate pairs scored (pairs sharing a key value in a block no larger than `maxBlockSize + 1`); a pair sharing
   * several keys may be scored, and counted, once per chunk it falls in.
   */
  readonly candidates: number
  /** Duplicate pairs found ("not a duplicate" pairs excluded). */
  readonly pairs: number
  /** Duplicate sets found (connected groups of duplicate pairs). */
  readonly sets: number
  /** Of those, sets not already open, now stored with status `open`. */
  readonly created: number
}

/**
 * Progress of a duplicate job: `keys` while streaming the index (candidates are scored as their blocks stream in);
 * `score` is not reported any more (kept for callers that switch on it).
 */
export interface DuplicateJobProgress {
  readonly phase: 'keys' | 'score'
  readonly done: number
  readonly total: number
}

/** Options of {@link runDuplicateJob}. */
export interface DuplicateJobOptions {
  /**
   * Called every page of keys. Its `total` costs a count of the entity's match keys (one more pass over the index),
   * made only when this is given.
   */
  readonly onProgress?: (progress: DuplicateJobProgress) => void
  /**
   * Candidate pairs scored together (default 5,000). The job holds two chunks' prepared (normalised) records, this
   * chunk's and the previous one's, besides the duplicates found.
   */
  readonly chunkSize?: number
}

type Rec = Record<string, unknown>

const PAGE = 1000
/** Candidate pairs scored together: their records are loaded with a few `id in (…)` pages. */
const CHUNK = 5000

/**
 * Finds every duplicate among the records of the rule's entity without reading the table record by record: it
 * streams the persisted match keys in `(key, value)` order through `crm` (keyset pages over the
 * `(entity, key, value)` index, the same on every adapter), so each run of equal values is a block; blocks larger
 * than `maxBlockSize + 1` are ignored, as on writes. Candidate pairs ("not a duplicate" pairs dropped) are scored in
 * chunks as the blocks stream in (records loaded by id, archived ones skipped; a record's prepared form is kept for
 * the next chunk too, then dropped), so memory holds one chunk of candidates, two chunks' records and the duplicates
 * found, whatever the table's size; duplicate pairs are joined into connected sets, and each new set stored as an
 * open `dqDuplicateSet`. Running it again creates no second copy of a set that is still open.
 */
export async function runDuplicateJob(
  crm: CrmServices,
  rule: DuplicateRule,
  options: DuplicateJobOptions = {},
): Promise<DuplicateJobResult> {
  const scanned = await crm.entity(rule.entity).count()
  const keyNames = rule.keys.map((k) => k.name)
  const onProgress = options.onProgress
  // The total is for progress only: counting is one more pass over the index, so it is made only when asked for.
  const totalKeys = onProgress
    ? await crm.entity('dqMatchKey').count({
        where: {
          and: [
            { field: 'entity', op: 'eq', value: rule.entity },
            { field: 'key', op: 'in', value: keyNames },
          ],
        },
      })
    : 0
  // 1. "Not a duplicate" pairs.
  const dismissed = new Set<string>()
  for await (const pair of crm.entity<{ aId: string; bId: string }>('dqNotDuplicate').iterate({
    where: { field: 'entity', op: 'eq', value: rule.entity },
    limit: PAGE,
  })) {
    dismissed.add(`${pair.aId} ${pair.bId}`)
  }
  // 2. Candidate pairs are scored as their blocks stream in, a chunk at a time (records loaded by id), so memory holds
  // one chunk of candidates and the duplicate pairs found, not every candidate of the table (~2M at 1M contacts).
  const parent = new Map<string, string>()
  const find = (x: string): string => {
    let root = x
    while (parent.get(root) !== root) root = parent.get(root) as string
    parent.set(x, root)
    return root
  }
  const pairs: { a: string; b: string; score: number }[] = []
  const found = new Set<string>()
  const service = crm.entity<Rec>(rule.entity)
  const chunkSize = Math.max(1, options.chunkSize ?? CHUNK)
  // Prepared records by id, two generations: the previous chunk's and this chunk's (null: not readable, i.e.
  // archived, gone or hidden). A record of this chunk found in the previous one moves to this one; after scoring, this
  // generation becomes the previous one and the older is dropped, so at most two chunks' records are held.
  let lastChunk = new Map<string, PreparedRecord | null>()
  let thisChunk = new Map<string, PreparedRecord | null>()
  let chunk = new Map<string, [string, string]>()
  let candidates = 0
  const score = async () => {
    const list = chunk
    chunk = new Map()
    candidates += list.size
    const missing: string[] = []
    const need = (id: string) => {
      if (thisChunk.has(id)) return
      const kept = lastChunk.get(id)
      // Marked as wanted (undefined) until read, so an id is asked for once.
      thisChunk.set(id, kept === undefined ? null : kept)
      if (kept === undefined) missing.push(id)
    }
    for (const [a, b] of list.values()) {
      need(a)
      need(b)
    }
    // The chunk's records are read in id (primary key) order, each page a contiguous stretch of the key: pages of
    // ids in the order pairs met them made every page span the whole table, so SQLite jumped about a file larger
    // than its page cache.
    const ids = missing.sort()
    for (let j = 0; j < ids.length; j += PAGE) {
      const part = ids.slice(j, j + PAGE)
      const page = await service.list({ where: { field: 'id', op: 'in', value: part }, limit: part.length })
      for (const record of page.items) thisChunk.set(record['id'] as string, prepareRecord(rule, record))
    }
    for (const [pairId, [a, b]] of list) {
      const left = thisChunk.get(a)
      const right = thisChunk.get(b)
      if (!left || !right) continue
      // A pair sharing two keys is met in two blocks, perhaps in two chunks: it is kept once.
      if (found.has(pairId)) continue
      const s = scorePrepared(rule, left, right, false)
      if (!s.duplicate) continue
      found.add(pairId)
      for (const x of [a, b]) if (!parent.has(x)) parent.set(x, x)
      parent.set(find(a), find(b))
      pairs.push({ a, b, score: s.score })
    }
    lastChunk = thisChunk
    thisChunk = new Map()
  }
  // 3. Blocks from the index: consecutive keys with one value.
  let block: string[] = []
  let current = ''
  let keys = 0
  const flush = () => {
    if (block.length >= 2 && block.length <= rule.maxBlockSize + 1) {
      for (let x = 0; x < block.length; x++) {
        for (let y = x + 1; y < block.length; y++) {
          // The pair in canonical order (`orderedPair`), without an array per pair met.
          const p = block[x] as string
          const q = block[y] as string
          if (p === q) continue
          const before = p < q
          const a = before ? p : q
          const b = before ? q : p
          const id = `${a} ${b}`
          if (!dismissed.has(id) && !chunk.has(id)) chunk.set(id, [a, b])
        }
      }
    }
    block = []
  }
  // One stream per key name, ordered by value: a keyset cursor over (key, value, id) made SQLite re-scan the index
  // on every page (10x slower at 100k contacts) where (value, id) within one key is a plain range.
  for (const keyName of keyNames) {
    flush()
    const passStart = keys
    for await (const row of crm
      .entity<{ key: string; value: string; recordId: string }>('dqMatchKey')
      .iterate({
        where: {
          and: [
            { field: 'entity', op: 'eq', value: rule.entity },
            { field: 'key', op: 'eq', value: keyName },
          ],
        },
        orderBy: [{ field: 'value' }],
        limit: PAGE,
      })) {
      // One key name per pass: a block is a run of equal values.
      if (row.value !== current || keys === passStart) {
        flush()
        current = row.value
        if (chunk.size >= chunkSize) await score()
      }
      block.push(row.recordId)
      if (++keys % PAGE === 0) onProgress?.({ phase: 'keys', done: keys, total: totalKeys })
    }
  }
  flush()
  await score()
  onProgress?.({ phase: 'keys', done: keys, total: totalKeys })
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
  // New sets are written in batches, one transaction each: a commit per set made the job wait on the disk.
  const fresh = [...groups.values()]
    .map((group) => ({ group, recordIds: [...group.ids].sort() }))
    .filter(({ recordIds }) => !open.has(recordIds.join(',')))
    .map(({ group, recordIds }) => ({
      entity: rule.entity,
      ruleId: rule.id,
      status: 'open',
      // A set holds at most 1,000 records (a chain of weak pairs through a huge block is not a reviewable set).
      recordIds: recordIds.slice(0, 1000),
      pairs: group.pairs.slice(0, 10_000),
    }))
  for (let i = 0; i < fresh.length; i += 500) {
    const chunk = fresh.slice(i, i + 500)
    await crm.transaction((tx) => tx.entity('dqDuplicateSet').createMany(chunk))
  }
  const created = fresh.length
  return {
    entity: rule.entity,
    ruleId: rule.id,
    scanned,
    keys,
    candidates,
    pairs: pairs.length,
    sets: groups.size,
    created,
  }
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
