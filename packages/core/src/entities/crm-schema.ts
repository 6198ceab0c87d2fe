import type * as z from 'zod'
import type {
  CustomFieldDefinition,
  StaticCustomFieldDefinition,
} from '../custom-fields/custom-field-definition.js'
import { customFieldRefs } from '../custom-fields/custom-field-values.js'
import { RapportError } from '../errors/rapport-error.js'
import type { FilterTarget } from '../filter/filter-target.js'
import type {
  IndexDefinition,
  ModelDefinition,
  RelationDefinition,
  StorageSchema,
} from '../storage/model-definition.js'
import type { FieldRef, ResolvedRelation } from '../storage/storage-filter.js'
import { CORE_SCHEMA_VERSION, coreEntities } from './core-entities.js'
import type { EntityDefinition } from './entity-definition.js'
import { ResolvedEntity } from './resolved-entity.js'
import { resolveStagedEntities } from './staged-schema.js'

/** Input to {@link CrmSchema}: plugin entities, plugin field extensions and static custom fields. */
export interface CrmSchemaInput {
  readonly pluginEntities?: readonly { readonly plugin: string; readonly entity: EntityDefinition }[]
  readonly extensions?: readonly {
    readonly plugin: string
    readonly entity: string
    readonly shape: z.ZodRawShape
  }[]
  /** Relations plugins add to entities declared elsewhere (`CrmPlugin.schema.relations`). */
  readonly relationExtensions?: readonly {
    readonly plugin: string
    readonly entity: string
    readonly relations: Readonly<Record<string, RelationDefinition>>
  }[]
  readonly customFields?: Readonly<Record<string, readonly StaticCustomFieldDefinition[]>>
}

/**
 * The resolved schema of one CRM instance: core entities, plugin entities and extensions, static custom fields.
 *
 * @internal
 */
export class CrmSchema {
  readonly entities: ReadonlyMap<string, ResolvedEntity>
  readonly storage: StorageSchema
  readonly staticCustomFields: ReadonlyMap<string, readonly StaticCustomFieldDefinition[]>
  readonly #targets = new WeakMap<
    ReadonlyMap<string, readonly CustomFieldDefinition[]>,
    Map<string, FilterTarget>
  >()

  constructor(input: CrmSchemaInput = {}) {
    const extensionsByEntity = new Map<string, z.ZodRawShape>()
    for (const ext of input.extensions ?? []) {
      const current = extensionsByEntity.get(ext.entity) ?? {}
      for (const key of Object.keys(ext.shape)) {
        if (key in current) {
          throw new RapportError(
            'PLUGIN_ERROR',
            `Two plugins extend "${ext.entity}" with the field "${key}"`,
            {
              details: { plugin: ext.plugin, entity: ext.entity, field: key },
            },
          )
        }
      }
      extensionsByEntity.set(ext.entity, { ...current, ...ext.shape })
    }
    const relationsByEntity = new Map<string, Record<string, RelationDefinition>>()
    for (const ext of input.relationExtensions ?? []) {
      const current = relationsByEntity.get(ext.entity) ?? {}
      for (const name of Object.keys(ext.relations)) {
        if (Object.hasOwn(current, name)) {
          throw new RapportError(
            'PLUGIN_ERROR',
            `Two plugins add the relation "${name}" to "${ext.entity}"`,
            { details: { plugin: ext.plugin, entity: ext.entity, relation: name } },
          )
        }
      }
      relationsByEntity.set(ext.entity, { ...current, ...ext.relations })
    }
    const staticCustom = new Map(Object.entries(input.customFields ?? {}))
    const entities = new Map<string, ResolvedEntity>()
    const declared = resolveStagedEntities(
      [
        ...coreEntities.map((entity) => ({ entity: entity as EntityDefinition })),
        ...(input.pluginEntities ?? []),
      ],
      extensionsByEntity,
    )
    for (const { plugin, entity } of declared) {
      if (entities.has(entity.name)) {
        throw new RapportError('PLUGIN_ERROR', `The entity "${entity.name}" is declared twice`, {
          details: { plugin, entity: entity.name },
        })
      }
      const extension = extensionsByEntity.get(entity.name)
      for (const key of Object.keys(extension ?? {})) {
        if (key in entity.shape) {
          throw new RapportError('PLUGIN_ERROR', `A plugin redeclares the field "${entity.name}.${key}"`, {
            details: { entity: entity.name, field: key },
          })
        }
      }
      const addedRelations = relationsByEntity.get(entity.name) ?? {}
      for (const name of Object.keys(addedRelations)) {
        if (entity.relations && Object.hasOwn(entity.relations, name)) {
          throw new RapportError(
            'PLUGIN_ERROR',
            `A plugin redeclares the relation "${entity.name}.${name}"`,
            { details: { entity: entity.name, relation: name } },
          )
        }
      }
      const indexes: IndexDefinition[] = (staticCustom.get(entity.name) ?? [])
        .filter((f) => f.indexed)
        .map((f) => ({
          name: `by_custom_${f.key}`,
          fields: [{ field: 'custom', path: f.type === 'money' ? [f.key, 'amountMinor'] : [f.key] }],
        }))
      entities.set(entity.name, new ResolvedEntity(entity, extension, plugin, indexes, addedRelations))
    }
    for (const ext of input.extensions ?? []) {
      if (!entities.has(ext.entity)) {
        throw new RapportError(
          'PLUGIN_ERROR',
          `Plugin "${ext.plugin}" extends the unknown entity "${ext.entity}"`,
          {
            details: { plugin: ext.plugin, entity: ext.entity },
          },
        )
      }
    }
    for (const ext of input.relationExtensions ?? []) {
      if (!entities.has(ext.entity)) {
        throw new RapportError(
          'PLUGIN_ERROR',
          `Plugin "${ext.plugin}" adds relations to the unknown entity "${ext.entity}"`,
          { details: { plugin: ext.plugin, entity: ext.entity } },
        )
      }
    }
    for (const entity of entities.values()) {
      for (const [name, relation] of Object.entries(entity.model.relations)) {
        const missing = [
          relation.model,
          relation.kind === 'through' ? relation.through : relation.model,
        ].find((m) => !entities.has(m))
        if (missing) {
          throw new RapportError(
            'PLUGIN_ERROR',
            `Relation "${entity.name}.${name}" names unknown model "${missing}"`,
          )
        }
      }
    }
    this.entities = entities
    this.staticCustomFields = staticCustom
    const models: Record<string, ModelDefinition> = {}
    for (const entity of entities.values()) models[entity.name] = entity.model
    this.storage = Object.freeze({ version: CORE_SCHEMA_VERSION, models: Object.freeze(models) })
  }

  /** The resolved entity, or a typed error for unknown names. */
  entity(name: string): ResolvedEntity {
    const entity = this.entities.get(name)
    if (!entity)
      throw new RapportError('NOT_FOUND', `Unknown entity "${name}"`, { details: { entity: name } })
    return entity
  }

  /**
   * The filter target of an entity given the tenant's runtime custom fields (static ones are always included).
   */
  filterTarget(
    name: string,
    runtimeCustomFields: ReadonlyMap<string, readonly CustomFieldDefinition[]>,
  ): FilterTarget {
    // Targets depend only on the entity and the custom-field map, which is replaced (never mutated) when a tenant's
    // custom fields change: cache them per map, so a read does not rebuild the field table every call.
    let cache = this.#targets.get(runtimeCustomFields)
    if (!cache) {
      cache = new Map<string, FilterTarget>()
      this.#targets.set(runtimeCustomFields, cache)
    }
    const targets = cache
    const cached = targets.get(name)
    if (cached) return cached
    const build = (entityName: string): FilterTarget => {
      const known = targets.get(entityName)
      if (known) return known
      const entity = this.entity(entityName)
      const refs = new Map<string, FieldRef>(entity.fieldRefs)
      if (entity.hasCustom) {
        for (const def of this.customFieldsOf(entityName, runtimeCustomFields)) {
          for (const [path, ref] of customFieldRefs(def)) refs.set(path, ref)
        }
      }
      const target: FilterTarget = {
        entity: entityName,
        resolveField: (path) => refs.get(path),
        fieldPaths: () => [...refs.keys()],
        normalizeValue: (path, value) => (entity.lowerCasedFields.has(path) ? value.toLowerCase() : value),
        relationNames: () => Object.keys(entity.model.relations),
        resolveRelation: (relationName) => {
          const relation = Object.hasOwn(entity.model.relations, relationName)
            ? entity.model.relations[relationName]
            : undefined
          if (!relation) return undefined
          let resolved: ResolvedRelation
          if (relation.kind === 'hasMany') {
            resolved = {
              kind: 'direct',
              model: relation.model,
              localField: 'id',
              relatedField: relation.foreignKey,
            }
          } else if (relation.kind === 'belongsTo') {
            resolved = {
              kind: 'direct',
              model: relation.model,
              localField: relation.localKey,
              relatedField: 'id',
            }
          } else {
            resolved = {
              kind: 'through',
              model: relation.model,
              through: relation.through,
              throughFrom: relation.throughFrom,
              throughTo: relation.throughTo,
              throughWhere: relation.throughWhere ?? {},
            }
          }
          return { relation: resolved, target: build(relation.model) }
        },
      }
      targets.set(entityName, target)
      return target
    }
    return build(name)
  }

  /** Static plus runtime custom fields of an entity. */
  customFieldsOf(
    entity: string,
    runtime: ReadonlyMap<string, readonly CustomFieldDefinition[]>,
  ): readonly CustomFieldDefinition[] {
    return [...(this.staticCustomFields.get(entity) ?? []), ...(runtime.get(entity) ?? [])]
  }
}
