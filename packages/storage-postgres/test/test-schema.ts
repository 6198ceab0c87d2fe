import { searchDocumentFields } from '@rapport/core/search'
import type { FieldDefinition, ModelDefinition, StorageFilter, StorageSchema } from '@rapport/core/storage'

const system: Record<string, FieldDefinition> = {
  id: { type: 'string', required: true },
  tenantId: { type: 'string', required: true },
  createdAt: { type: 'datetime', required: true },
  updatedAt: { type: 'datetime', required: true },
  version: { type: 'integer', required: true },
  archivedAt: { type: 'datetime' },
}

/** A deal-shaped model for the concurrency and migration tests. */
export const dealModel: ModelDefinition = {
  name: 'deal',
  table: 'deal',
  idPrefix: 'deal',
  fields: {
    ...system,
    name: { type: 'string', required: true },
    ownerId: { type: 'string' },
    stage: { type: 'string' },
    amountMinor: { type: 'integer' },
    seq: { type: 'integer' },
    custom: { type: 'json' },
    ...searchDocumentFields,
  },
  indexes: [
    { name: 'by_owner_stage_updated', fields: ['ownerId', 'stage', 'updatedAt'] },
    { name: 'by_custom_tier', fields: [{ field: 'custom', path: ['tier'] }] },
  ],
  relations: {},
  searchFields: ['name'],
}

/** The schema holding {@link dealModel}. */
export const dealSchema: StorageSchema = { version: 1, models: { deal: dealModel } }

/** A complete deal row. */
export function dealRow(id: string, tenantId: string, overrides: Record<string, unknown> = {}) {
  const at = new Date('2025-01-01T00:00:00.000Z')
  return {
    id,
    tenantId,
    createdAt: at,
    updatedAt: at,
    version: 1,
    archivedAt: null,
    name: `deal ${id}`,
    ownerId: 'usr_1',
    stage: 'open',
    amountMinor: 1000,
    seq: 0,
    custom: null,
    ...overrides,
  } as Record<string, import('@rapport/core/storage').StorageValue>
}

/** `version = n`, the guard core uses for optimistic concurrency. */
export function versionIs(n: number): StorageFilter {
  return { kind: 'compare', ref: { field: 'version', type: 'integer' }, op: 'eq', value: n }
}

/** Resolves when `count` callers have arrived. */
export function barrier(count: number): () => Promise<void> {
  let arrived = 0
  let open!: () => void
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  return async () => {
    arrived++
    if (arrived >= count) open()
    await gate
  }
}
