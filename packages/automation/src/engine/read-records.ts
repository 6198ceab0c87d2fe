import type { CrmServices } from '@rapport/core'

/** Records per read when a batch names many: well under a list's largest page. */
const RECORDS_PER_READ = 500

/**
 * The records `refs` name that `tx` can see (archived ones included, as `find` returns them), by entity and id: one
 * list per entity and {@link RECORDS_PER_READ} ids, or one `find` when an entity has a single id.
 */
export async function readRecords(
  tx: CrmServices,
  refs: readonly { entity: string; id: string }[],
): Promise<Map<string, Map<string, Record<string, unknown>>>> {
  const ids = new Map<string, Set<string>>()
  for (const { entity, id } of refs) {
    let set = ids.get(entity)
    if (!set) ids.set(entity, (set = new Set()))
    set.add(id)
  }
  const out = new Map<string, Map<string, Record<string, unknown>>>()
  for (const [entity, set] of ids) {
    const byId = new Map<string, Record<string, unknown>>()
    out.set(entity, byId)
    const service = tx.entity(entity)
    const all = [...set]
    if (all.length === 1) {
      const record = (await service.find(all[0]!)) as Record<string, unknown> | null
      if (record) byId.set(record['id'] as string, record)
      continue
    }
    for (let i = 0; i < all.length; i += RECORDS_PER_READ) {
      const chunk = all.slice(i, i + RECORDS_PER_READ)
      const page = await service.list({
        where: { field: 'id', op: 'in', value: chunk },
        includeArchived: true,
        limit: chunk.length,
      })
      for (const record of page.items as Record<string, unknown>[]) byId.set(record['id'] as string, record)
    }
  }
  return out
}
