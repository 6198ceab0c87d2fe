import { searchDocumentFields } from '../search/search-document.js'
import type { FieldDefinition, ModelDefinition, StorageSchema } from '../storage/model-definition.js'

/** Freezes a plain value and everything in it, so no test or adapter can alter the shared schema. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

/** The system columns every model of the conformance schema carries. */
const systemFields: Readonly<Record<string, FieldDefinition>> = {
  id: { type: 'string', required: true },
  tenantId: { type: 'string', required: true },
  createdAt: { type: 'datetime', required: true },
  updatedAt: { type: 'datetime', required: true },
  version: { type: 'integer', required: true },
  archivedAt: { type: 'datetime' },
}

/** An organisation: people belong to one (`person.orgId`, `set null` on delete). */
const org: ModelDefinition = {
  name: 'org',
  table: 'conformance_org',
  idPrefix: 'org',
  fields: {
    ...systemFields,
    name: { type: 'string', required: true },
    slug: { type: 'string' },
    employees: { type: 'integer' },
    ...searchDocumentFields,
  },
  indexes: [{ name: 'by_slug', fields: ['slug'], unique: true }],
  relations: { people: { kind: 'hasMany', model: 'person', foreignKey: 'orgId' } },
  searchFields: ['name'],
}

/**
 * A person: one column of every storage type, a json array, a `custom` json column and a unique email. `mentorId`
 * is deliberately not a foreign key, so tenancy tests can plant cross-tenant "relations" an unscoped join would see.
 */
const person: ModelDefinition = {
  name: 'person',
  table: 'conformance_person',
  idPrefix: 'per',
  fields: {
    ...systemFields,
    name: { type: 'string', required: true },
    email: { type: 'string' },
    bio: { type: 'text' },
    age: { type: 'integer' },
    score: { type: 'number' },
    active: { type: 'boolean' },
    bornOn: { type: 'date' },
    lastSeenAt: { type: 'datetime' },
    tags: { type: 'json', array: true },
    custom: { type: 'json' },
    orgId: { type: 'string', references: { model: 'org', onDelete: 'set null' } },
    mentorId: { type: 'string' },
    ...searchDocumentFields,
  },
  indexes: [
    { name: 'by_email', fields: ['email'], unique: true },
    { name: 'by_org', fields: ['orgId'] },
    { name: 'by_custom_tier', fields: [{ field: 'custom', path: ['tier'] }] },
  ],
  relations: {
    org: { kind: 'belongsTo', model: 'org', localKey: 'orgId' },
    mentor: { kind: 'belongsTo', model: 'person', localKey: 'mentorId' },
    mentees: { kind: 'hasMany', model: 'person', foreignKey: 'mentorId' },
    groups: {
      kind: 'through',
      model: 'group',
      through: 'membership',
      throughFrom: 'personId',
      throughTo: 'groupId',
    },
    ownedGroups: {
      kind: 'through',
      model: 'group',
      through: 'membership',
      throughFrom: 'personId',
      throughTo: 'groupId',
      throughWhere: { role: 'owner' },
    },
  },
  searchFields: ['name', 'email', 'bio'],
}

/** A group of people, joined through `membership`; deleting a group with members is restricted. */
const group: ModelDefinition = {
  name: 'group',
  table: 'conformance_group',
  idPrefix: 'grp',
  fields: { ...systemFields, name: { type: 'string', required: true } },
  indexes: [],
  relations: {
    members: {
      kind: 'through',
      model: 'person',
      through: 'membership',
      throughFrom: 'groupId',
      throughTo: 'personId',
    },
  },
  searchFields: [],
}

/** The join model: cascades when its person is deleted, restricts deleting its group. */
const membership: ModelDefinition = {
  name: 'membership',
  table: 'conformance_membership',
  idPrefix: 'mem',
  fields: {
    ...systemFields,
    personId: { type: 'string', required: true, references: { model: 'person', onDelete: 'cascade' } },
    groupId: { type: 'string', required: true, references: { model: 'group', onDelete: 'restrict' } },
    role: { type: 'string', required: true },
  },
  indexes: [{ name: 'by_person_group', fields: ['personId', 'groupId'], unique: true }],
  relations: {},
  searchFields: [],
}

/**
 * An order-like model for `aggregateCustomerOrders()`: who bought (`customerType`, `customerId`), when, how much (an
 * integer in minor units) and a status to filter on.
 */
const purchase: ModelDefinition = {
  name: 'purchase',
  table: 'conformance_purchase',
  idPrefix: 'pur',
  fields: {
    ...systemFields,
    customerType: { type: 'string', required: true },
    customerId: { type: 'string', required: true },
    occurredAt: { type: 'datetime', required: true },
    amountMinor: { type: 'integer', required: true },
    status: { type: 'string', required: true },
  },
  indexes: [{ name: 'by_customer', fields: ['customerType', 'customerId', 'occurredAt'] }],
  relations: {},
  searchFields: [],
}

/**
 * The schema the conformance kit tests against: small models (`org`, `person`, `group`, `membership`, `purchase`)
 * that exercise every column type, unique indexes (plain, composite), a JSON-path index, every `onDelete` action,
 * `hasMany`, `belongsTo` and `through` relations, and order aggregation. It is independent of core's CRM entities, so it tests the storage
 * port alone.
 *
 * SQL adapters create its tables in the kit's `setup`, e.g. `await storage.migrations.apply(conformanceSchema)`.
 *
 * @example
 * ```ts
 * import { conformanceSchema } from '@rapport/core/testing'
 *
 * const storage = createMyStorage()
 * await storage.migrations.apply(conformanceSchema)
 * ```
 */
export const conformanceSchema: StorageSchema = deepFreeze({
  version: 1,
  models: { org, person, group, membership, purchase },
})

/** The model names of {@link conformanceSchema}. */
export type ConformanceModelName = 'org' | 'person' | 'group' | 'membership' | 'purchase'
