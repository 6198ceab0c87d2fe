import type { FieldDefinition, ModelDefinition, StorageSchema } from '@rapport/core/storage'
import { searchDocumentFields } from '@rapport/core/storage'

const system: Record<string, FieldDefinition> = {
  id: { type: 'string', required: true },
  tenantId: { type: 'string', required: true },
  createdAt: { type: 'datetime', required: true },
  updatedAt: { type: 'datetime', required: true },
  version: { type: 'integer', required: true },
  archivedAt: { type: 'datetime' },
}

/** A company: the target of contacts and deals. */
export const companyModel: ModelDefinition = {
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

/** A contact with every storage type, JSON arrays and custom fields. */
export const contactModel: ModelDefinition = {
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

/** A deal in a pipeline stage. */
export const dealModel: ModelDefinition = {
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

/** The join between deals and contacts, with a role. */
export const dealContactModel: ModelDefinition = {
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

/** The hand-made schema of the adapter tests. */
export const testSchema: StorageSchema = {
  version: 1,
  models: { company: companyModel, contact: contactModel, deal: dealModel, dealContact: dealContactModel },
}

/** The system columns of a new row. */
export function systemColumns(id: string, tenantId = 't1', at = new Date('2025-01-02T03:04:05.678Z')) {
  return { id, tenantId, createdAt: at, updatedAt: at, version: 1, archivedAt: null }
}
