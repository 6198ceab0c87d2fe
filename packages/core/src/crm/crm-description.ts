import * as z from 'zod'
import type { CrmSchema } from '../entities/crm-schema.js'
import { RapportError } from '../errors/rapport-error.js'
import type { CrmPlugin } from '../plugins/crm-plugin.js'
import type { CrmOperation } from '../plugins/plugin-operations.js'
import { CORE_SERVICE_OF } from './core-collections.js'

/** One entity offered to the outside faces (REST collections, MCP tools). */
export interface EntityDescription {
  /** The entity name, e.g. `contact`; `crm.entity(name)` is its service. */
  readonly name: string
  /** The collection name, e.g. `contacts`, `slaPolicies`: the key of its service on `CrmServices` for core ones. */
  readonly collection: string
  /** The plugin that declared it; `null` for core entities. */
  readonly plugin: string | null
  /** The id prefix, e.g. `con`. */
  readonly idPrefix: string
  /** What `create()` accepts (strict: unknown fields are rejected). */
  readonly createSchema: z.ZodObject
  /** What `update()` accepts: every writable field, optional, no defaults. */
  readonly updateSchema: z.ZodObject
  /** A stored record: the system fields and every declared field. */
  readonly recordSchema: z.ZodObject
  /** Fields only core or plugins set. */
  readonly readOnly: readonly string[]
  /** Whether `search()` has fields to search. */
  readonly searchable: boolean
  /** Relation names usable in `exists` filters. */
  readonly relations: readonly string[]
}

/** One plugin operation, with the plugin that declared it. */
export interface OperationDescription {
  readonly plugin: string
  /** The operation name, unique within its plugin. */
  readonly name: string
  readonly operation: CrmOperation
}

/** What a CRM offers to the outside faces: entities and plugin operations. See `crm.describe()`. */
export interface CrmDescription {
  readonly entities: readonly EntityDescription[]
  readonly operations: readonly OperationDescription[]
}

const systemShape = {
  id: z.string().describe('The record id, prefixed by entity (e.g. `con_…`)'),
  tenantId: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  version: z.int().min(1).describe('Increments on every write; send it back as the expected version'),
  archivedAt: z.date().nullable(),
}

const NAME = /^[a-z][a-zA-Z0-9]*$/

/** English plural of an entity name, for plugin collections (`quote` → `quotes`, `policy` → `policies`). */
function pluralOf(name: string): string {
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`
  if (/(s|x|z|ch|sh)$/.test(name)) return `${name}es`
  return `${name}s`
}

/**
 * Builds (and checks) the description of a CRM from its schema and plugins; called once by `createCrm`.
 *
 * @internal
 */
export function describeCrm(schema: CrmSchema, plugins: readonly CrmPlugin[]): CrmDescription {
  const entities: EntityDescription[] = []
  const describe = (name: string, collection: string, plugin: string | null): EntityDescription => {
    const entity = schema.entity(name)
    const readOnly = new Set(entity.definition.readOnly ?? [])
    return Object.freeze({
      name,
      collection,
      plugin,
      idPrefix: entity.model.idPrefix,
      createSchema: entity.createSchema,
      updateSchema: entity.updateSchema,
      recordSchema: z.object({ ...systemShape, ...entity.shape }),
      readOnly: Object.freeze([...readOnly]),
      searchable: entity.model.searchFields.length > 0,
      relations: Object.freeze(Object.keys(entity.model.relations)),
    })
  }
  for (const [name, collection] of Object.entries(CORE_SERVICE_OF)) {
    entities.push(describe(name, collection, null))
  }
  const operations: OperationDescription[] = []
  const collections = new Set(entities.map((e) => e.collection))
  for (const plugin of plugins) {
    const fail = (message: string): never => {
      throw new RapportError('PLUGIN_ERROR', message, { details: { plugin: plugin.id } })
    }
    const own = new Set((plugin.schema?.entities ?? []).map((e) => e.name))
    for (const name of plugin.expose?.entities ?? []) {
      if (!own.has(name)) fail(`Plugin "${plugin.id}" exposes "${name}", which is not one of its entities`)
      const collection = pluralOf(name)
      if (collections.has(collection))
        fail(`Plugin "${plugin.id}" exposes a second "${collection}" collection`)
      collections.add(collection)
      entities.push(describe(name, collection, plugin.id))
    }
    for (const [name, operation] of Object.entries(plugin.expose?.operations ?? {})) {
      if (!NAME.test(name)) fail(`Plugin "${plugin.id}" names an operation "${name}"; use [a-z][a-zA-Z0-9]*`)
      if (operation.entity !== undefined && !schema.entities.has(operation.entity)) {
        fail(`Operation "${plugin.id}.${name}" belongs to the unknown entity "${operation.entity}"`)
      }
      if (operation.record && operation.entity === undefined) {
        fail(`Operation "${plugin.id}.${name}" acts on a record but names no entity`)
      }
      if (typeof operation.run !== 'function' || !['read', 'write'].includes(operation.effect)) {
        fail(`Operation "${plugin.id}.${name}" needs run() and an effect of "read" or "write"`)
      }
      operations.push(Object.freeze({ plugin: plugin.id, name, operation }))
    }
  }
  return Object.freeze({ entities: Object.freeze(entities), operations: Object.freeze(operations) })
}
