import { withSearchDocument } from '../search/search-document.js'
import type { ModelDefinition, ModelScope, StorageSchema } from '../storage/model-definition.js'
import type { StorageAdapter } from '../storage/storage-adapter.js'
import type { FieldRef, ResolvedRelation, StorageRow } from '../storage/storage-filter.js'
import type { ConformanceModelName } from './conformance-schema.js'
import { conformanceSchema } from './conformance-schema.js'
import type { ConformanceContext, ConformanceFactories, ConformanceRawReader } from './conformance-types.js'

/** A random hex string from the platform's Web Crypto (Node ≥ 19, browsers, edge runtimes). */
function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes)
  globalThis.crypto.getRandomValues(buf)
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** A tenant id that no other test (or earlier run against the same database) uses. */
export function freshTenantId(): string {
  return `tnt_conformance_${randomHex(8)}`
}

/** The model definition of a conformance model. */
export function conformanceModel(name: ConformanceModelName): ModelDefinition {
  const model = conformanceSchema.models[name]
  if (!model) throw new Error(`conformance schema has no model ${name}`)
  return model
}

/** A `FieldRef` to a plain column of a conformance model, typed from its definition. */
export function columnRef(model: ConformanceModelName, field: string): FieldRef {
  const def = conformanceModel(model).fields[field]
  if (!def) throw new Error(`conformance model ${model} has no field ${field}`)
  return def.array ? { field, type: 'string', array: true } : { field, type: def.type }
}

/** A `FieldRef` into a json column. */
export function pathRef(field: string, path: readonly string[], type: FieldRef['type']): FieldRef {
  return { field, path, type }
}

/** Resolves a relation declared on a conformance model, as core does before handing filters to adapters. */
export function resolveRelation(model: ConformanceModelName, name: string): ResolvedRelation {
  const relation = conformanceModel(model).relations[name]
  if (!relation) throw new Error(`conformance model ${model} has no relation ${name}`)
  switch (relation.kind) {
    case 'hasMany':
      return { kind: 'direct', model: relation.model, localField: 'id', relatedField: relation.foreignKey }
    case 'belongsTo':
      return { kind: 'direct', model: relation.model, localField: relation.localKey, relatedField: 'id' }
    case 'through':
      return {
        kind: 'through',
        model: relation.model,
        through: relation.through,
        throughFrom: relation.throughFrom,
        throughTo: relation.throughTo,
        throughWhere: relation.throughWhere ?? {},
      }
  }
}

let clock = Date.UTC(2024, 0, 1)
/** Ids are unique across runs (a random run prefix) and cheap to make (a counter). */
const runId = randomHex(6)
let idCounter = 0

/** Builds the row factories for one test. */
function createFactories(defaultTenant: string): ConformanceFactories {
  const base = (model: ConformanceModelName, tenantId: string): StorageRow => {
    const row: StorageRow = {}
    for (const field of Object.keys(conformanceModel(model).fields)) row[field] = null
    clock += 1000
    row['id'] = id(model)
    row['tenantId'] = tenantId
    row['createdAt'] = new Date(clock)
    row['updatedAt'] = new Date(clock)
    row['version'] = 1
    row['archivedAt'] = null
    return row
  }
  const id = (model: ConformanceModelName): string =>
    `${conformanceModel(model).idPrefix}_${runId}${(idCounter++).toString(36).padStart(8, '0')}`
  return {
    id,
    org: (overrides, tenantId = defaultTenant) =>
      withSearchDocument(conformanceModel('org'), {
        ...base('org', tenantId),
        name: 'Org',
        ...overrides,
      }),
    person: (overrides, tenantId = defaultTenant) =>
      withSearchDocument(conformanceModel('person'), {
        ...base('person', tenantId),
        name: 'Person',
        ...overrides,
      }),
    group: (overrides, tenantId = defaultTenant) => ({
      ...base('group', tenantId),
      name: 'Group',
      ...overrides,
    }),
    membership: (overrides, tenantId = defaultTenant) => ({
      ...base('membership', tenantId),
      personId: '',
      groupId: '',
      role: 'member',
      ...overrides,
    }),
    purchase: (overrides, tenantId = defaultTenant) => {
      const row = base('purchase', tenantId)
      return {
        ...row,
        customerType: 'contact',
        customerId: 'con_1',
        occurredAt: row['createdAt'] ?? null,
        amountMinor: 1000,
        status: 'paid',
        ...overrides,
      }
    },
  }
}

/** Builds the context one test runs with: a fresh tenant, scopes, factories. */
export function createConformanceContext(
  storage: StorageAdapter,
  raw?: ConformanceRawReader,
): ConformanceContext {
  const tenantId = freshTenantId()
  const schema: StorageSchema = conformanceSchema
  return {
    storage,
    schema,
    tenantId,
    newTenantId: freshTenantId,
    scope: (model, tenant = tenantId): ModelScope => ({
      model: conformanceModel(model),
      tenantId: tenant,
      schema,
    }),
    factories: createFactories(tenantId),
    ...(raw ? { raw } : {}),
  }
}
