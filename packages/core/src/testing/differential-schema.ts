import { searchDocumentFields } from '../search/search-document.js'
import type { FieldDefinition, ModelDefinition, StorageSchema } from '../storage/model-definition.js'
import type { StorageRow } from '../storage/storage-filter.js'

const system: Readonly<Record<string, FieldDefinition>> = {
  id: { type: 'string', required: true },
  tenantId: { type: 'string', required: true },
  createdAt: { type: 'datetime', required: true },
  updatedAt: { type: 'datetime', required: true },
  version: { type: 'integer', required: true },
  archivedAt: { type: 'datetime' },
}

const company: ModelDefinition = {
  name: 'company',
  table: 'company',
  idPrefix: 'com',
  fields: {
    ...system,
    name: { type: 'string', required: true },
    domain: { type: 'string' },
    ...searchDocumentFields,
  },
  indexes: [{ name: 'by_domain', fields: ['domain'], unique: true }],
  relations: {
    contacts: { kind: 'hasMany', model: 'contact', foreignKey: 'companyId' },
    deals: { kind: 'hasMany', model: 'deal', foreignKey: 'companyId' },
  },
  searchFields: ['name', 'domain'],
}

const contact: ModelDefinition = {
  name: 'contact',
  table: 'contact',
  idPrefix: 'con',
  fields: {
    ...system,
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    emails: { type: 'json' },
    tags: { type: 'json', array: true },
    companyId: { type: 'string', references: { model: 'company', onDelete: 'set null' } },
    ownerId: { type: 'string' },
    score: { type: 'integer' },
    rating: { type: 'number' },
    vip: { type: 'boolean' },
    birthday: { type: 'date' },
    lastSeenAt: { type: 'datetime' },
    notes: { type: 'text' },
    custom: { type: 'json' },
    ...searchDocumentFields,
  },
  indexes: [
    { name: 'by_owner', fields: ['ownerId'] },
    { name: 'by_updated', fields: ['updatedAt'] },
    { name: 'by_tier', fields: [{ field: 'custom', path: ['tier'] }] },
  ],
  relations: {
    company: { kind: 'belongsTo', model: 'company', localKey: 'companyId' },
    deals: {
      kind: 'through',
      model: 'deal',
      through: 'dealContact',
      throughFrom: 'contactId',
      throughTo: 'dealId',
    },
  },
  searchFields: ['firstName', 'lastName', 'emails', 'notes'],
}

const deal: ModelDefinition = {
  name: 'deal',
  table: 'deal',
  idPrefix: 'deal',
  fields: {
    ...system,
    name: { type: 'string', required: true },
    ownerId: { type: 'string' },
    pipelineId: { type: 'string' },
    stageId: { type: 'string' },
    amountMinor: { type: 'integer' },
    companyId: { type: 'string', references: { model: 'company', onDelete: 'cascade' } },
    ...searchDocumentFields,
  },
  indexes: [
    { name: 'by_owner_stage', fields: ['ownerId', 'stageId', 'updatedAt'] },
    { name: 'by_pipeline_stage', fields: ['pipelineId', 'stageId', 'updatedAt'] },
  ],
  relations: { company: { kind: 'belongsTo', model: 'company', localKey: 'companyId' } },
  searchFields: ['name'],
}

const dealContact: ModelDefinition = {
  name: 'dealContact',
  table: 'deal_contact',
  idPrefix: 'dcon',
  fields: {
    ...system,
    dealId: { type: 'string', required: true, references: { model: 'deal', onDelete: 'cascade' } },
    contactId: { type: 'string', required: true, references: { model: 'contact', onDelete: 'restrict' } },
    role: { type: 'string' },
  },
  indexes: [{ name: 'by_deal_contact', fields: ['dealId', 'contactId'], unique: true }],
  relations: {},
  searchFields: [],
}

/**
 * The hand-made CRM-shaped models of the adapters' own tests: a contact with one column of every storage type, a
 * JSON array, JSON custom fields and an index on a JSON path (models with `searchFields` carry core's search columns); companies (`set null` and `cascade` references), deals
 * and a deal–contact join (`restrict`).
 */
export const differentialModels = Object.freeze({ company, contact, deal, dealContact })

/**
 * The schema holding {@link differentialModels}: migrate it in an adapter's tests, then compare the adapter with
 * the in-memory reference (see `@rapport/core/testing/differential`).
 *
 * @example
 * ```ts
 * import { differentialModels, differentialSchema, systemColumns } from '@rapport/core/testing'
 *
 * await storage.migrations.apply(differentialSchema)
 * await storage.create({
 *   model: differentialModels.contact,
 *   schema: differentialSchema,
 *   tenantId: 't1',
 *   data: { ...systemColumns('con_1', 't1'), firstName: 'Ada' },
 * })
 * ```
 */
export const differentialSchema: StorageSchema = {
  version: 1,
  models: { company, contact, deal, dealContact },
}

/** The system columns of a new row: version 1, not archived, created and updated at `at`. */
export function systemColumns(
  id: string,
  tenantId = 't1',
  at = new Date('2025-01-02T03:04:05.678Z'),
): StorageRow {
  return { id, tenantId, createdAt: at, updatedAt: at, version: 1, archivedAt: null }
}
