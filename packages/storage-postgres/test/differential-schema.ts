import type { FieldDefinition, ModelDefinition, StorageRow, StorageSchema } from '@rapport/core/storage'

const system: Record<string, FieldDefinition> = {
  id: { type: 'string', required: true },
  tenantId: { type: 'string', required: true },
  createdAt: { type: 'datetime', required: true },
  updatedAt: { type: 'datetime', required: true },
  version: { type: 'integer', required: true },
  archivedAt: { type: 'datetime' },
}

/** The target of `exists` filters. */
export const companyModel: ModelDefinition = {
  name: 'company',
  table: 'company',
  idPrefix: 'com',
  fields: { ...system, name: { type: 'string', required: true }, domain: { type: 'string' } },
  indexes: [],
  relations: { contacts: { kind: 'hasMany', model: 'contact', foreignKey: 'companyId' } },
  searchFields: [],
}

/** A contact with one column of every storage type, a JSON array and custom fields. */
export const contactModel: ModelDefinition = {
  name: 'contact',
  table: 'contact',
  idPrefix: 'con',
  fields: {
    ...system,
    firstName: { type: 'string' },
    notes: { type: 'text' },
    ownerId: { type: 'string' },
    score: { type: 'integer' },
    rating: { type: 'number' },
    vip: { type: 'boolean' },
    birthday: { type: 'date' },
    lastSeenAt: { type: 'datetime' },
    tags: { type: 'json', array: true },
    custom: { type: 'json' },
    companyId: { type: 'string', references: { model: 'company', onDelete: 'set null' } },
  },
  indexes: [
    { name: 'by_owner', fields: ['ownerId'] },
    { name: 'by_tier', fields: [{ field: 'custom', path: ['tier'] }] },
  ],
  relations: { company: { kind: 'belongsTo', model: 'company', localKey: 'companyId' } },
  searchFields: [],
}

/** The schema the differential test runs on all three adapters. */
export const differentialSchema: StorageSchema = {
  version: 1,
  models: { company: companyModel, contact: contactModel },
}

/** System columns of a row. */
export function systemColumns(id: string, tenantId: string): StorageRow {
  const at = new Date('2025-01-01T00:00:00.000Z')
  return { id, tenantId, createdAt: at, updatedAt: at, version: 1, archivedAt: null }
}
