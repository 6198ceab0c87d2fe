import { keysetAfter } from './keyset-after.js'
import type { NewestKey, NewestKeysArgs, StorageOperations } from './storage-adapter.js'
import type { StorageFilter, StorageOrderBy } from './storage-filter.js'

/**
 * The reference implementation of {@link StorageOperations.newestKeys} over `findMany`: core runs it when an adapter
 * has no `newestKeys` (the memory adapter), and SQL adapters must return exactly what it returns. Each part is read
 * newest first (`at` descending, then its id field descending) with `limit` rows; a `distinct` part keeps one key per
 * (`at`, id) and reads on after its last key until it has `limit` distinct keys or no more rows. The parts are merged
 * in the same order, ties between parts broken by part index.
 *
 * @example
 * ```ts
 * const keys = await newestKeysByScan(storage, { tenantId, schema, limit: 21, parts: [{ model, at: 'occurredAt' }] })
 * ```
 */
export async function newestKeysByScan(
  ops: Pick<StorageOperations, 'findMany'>,
  args: NewestKeysArgs,
): Promise<NewestKey[]> {
  if (args.limit === 0) return []
  const all: NewestKey[] = []
  for (const [index, part] of args.parts.entries()) {
    const idField = part.id ?? 'id'
    const orderBy: StorageOrderBy[] = [
      { ref: { field: part.at, type: 'datetime' }, direction: 'desc' },
      { ref: { field: idField, type: 'string' }, direction: 'desc' },
    ]
    const keys: NewestKey[] = []
    let position: readonly [Date, string] | null = null
    for (;;) {
      const filters: StorageFilter[] = [
        ...(part.where ? [part.where] : []),
        ...(position ? [keysetAfter(orderBy, position)] : []),
      ]
      const want = args.limit - keys.length
      const rows = await ops.findMany({
        model: part.model,
        tenantId: args.tenantId,
        schema: args.schema,
        ...(filters.length > 0 ? { where: { kind: 'and', filters } } : {}),
        orderBy,
        limit: want,
        fields: [part.at, idField],
      })
      for (const row of rows) {
        const key = { part: index, id: String(row[idField]), at: row[part.at] as Date }
        const previous = keys.at(-1)
        if (part.distinct && previous?.id === key.id && previous.at.getTime() === key.at.getTime()) continue
        keys.push(key)
      }
      const last = keys.at(-1)
      // Only a distinct part that dropped a repeated key can be short of `limit` with more rows to read; reading on
      // strictly after its last key skips every other row of that key.
      if (!part.distinct || !last || keys.length >= args.limit || rows.length < want) break
      position = [last.at, last.id]
    }
    all.push(...keys)
  }
  all.sort(
    (a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) || a.part - b.part,
  )
  return all.slice(0, args.limit)
}
