import type { StorageFilter, StorageRow } from '../storage/storage-filter.js'
import type { EntityContext } from './entity-behaviour.js'
import { readFilters, storageScope } from './entity-scope.js'
import type { SearchOptions } from './list-options.js'
import { failValidation } from './record-validation.js'

/**
 * Full-text search over the entity's search fields, best match first. Adapters without full-text search fall back to
 * case-insensitive substring matching: every word (at most 16) must appear in some search field.
 */
export async function searchRecords(
  ctx: EntityContext,
  query: string,
  options: SearchOptions,
): Promise<Record<string, unknown>[]> {
  if (typeof query !== 'string' || query.length > 1000) {
    failValidation(ctx.entity.name, [
      { path: ['query'], message: 'Expected a string of at most 1000 characters', code: 'invalid_type' },
    ])
  }
  const limit = options.limit ?? 20
  if (!Number.isInteger(limit) || limit < 1 || limit > ctx.session.runtime.limits.maxPageSize) {
    failValidation(ctx.entity.name, [
      { path: ['options', 'limit'], message: 'Invalid limit', code: 'invalid_value' },
    ])
  }
  const terms = query.trim()
  if (terms.length === 0) return []
  const session = ctx.session
  return session.read(async (ops) => {
    const filters = await readFilters(ctx, session, options.where, options.includeArchived ?? false)
    const where: StorageFilter = { kind: 'and', filters }
    const storage = session.runtime.storage
    let rows: StorageRow[]
    if (storage.capabilities.fullTextSearch && ops.search) {
      rows = await ops.search({ ...storageScope(ctx, session), query: terms, where, limit })
    } else {
      const words = terms.split(/\s+/).slice(0, 16)
      const fields = ctx.entity.model.searchFields
      const matchAll: StorageFilter = {
        kind: 'and',
        filters: words.map((word) => ({
          kind: 'or',
          filters: fields.map((field) => ({
            kind: 'text',
            ref: { field, type: 'string' },
            op: 'contains',
            value: word,
            caseInsensitive: true,
          })),
        })),
      }
      rows = await ops.findMany({
        ...storageScope(ctx, session),
        where: { kind: 'and', filters: [where, matchAll] },
        limit,
      })
    }
    return rows.map((row) => ctx.entity.fromRow(row))
  })
}
