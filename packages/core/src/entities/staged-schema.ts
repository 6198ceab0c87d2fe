import type * as z from 'zod'
import * as zod from 'zod'
import { RapportError } from '../errors/rapport-error.js'
import type { EntityDefinition } from './entity-definition.js'
import { pipelineEntityTypes } from './pipeline.js'
import { stagedFields } from './staged-entity.js'

interface Declared {
  readonly plugin?: string
  readonly entity: EntityDefinition
}

// What `staged: {…}` on a plugin entity turns into when the CRM's schema is resolved: the stage fields, the pipeline
// reference and index, `pipeline.entityType` accepting the entity's name, and a stage-history relation so access
// policies can show a history row exactly when its record is visible.

/**
 * The declared entities with every staged plugin entity completed, the pipeline's `entityType` narrowed to the staged
 * types (core's and the plugins'), and `stageChange` related to each staged plugin entity.
 *
 * @internal
 */
export function resolveStagedEntities(
  declared: readonly Declared[],
  extensions: ReadonlyMap<string, z.ZodRawShape>,
): Declared[] {
  const staged: string[] = []
  const resolved = declared.map((item) => {
    const { plugin, entity } = item
    if (!entity.staged) return item
    if (!plugin) return item
    checkDeclaration(plugin, entity, extensions.get(entity.name) ?? {})
    staged.push(entity.name)
    return { plugin, entity: withStageFields(entity) }
  })
  return resolved.map((item) => {
    if (item.plugin) return item
    if (item.entity.name === 'pipeline') {
      const entityType = zod
        .enum([...pipelineEntityTypes, ...staged] as [string, ...string[]])
        .default('deal')
      return { entity: { ...item.entity, shape: { ...item.entity.shape, entityType } } }
    }
    if (item.entity.name === 'stageChange' && staged.length > 0) {
      const relations = { ...(item.entity.relations ?? {}) }
      for (const name of staged)
        relations[name] = { kind: 'belongsTo', model: name, localKey: 'recordId' } as const
      return { entity: { ...item.entity, relations } }
    }
    return item
  })
}

function checkDeclaration(plugin: string, entity: EntityDefinition, extension: z.ZodRawShape): void {
  const fail = (message: string, field: string) => {
    throw new RapportError('PLUGIN_ERROR', message, { details: { plugin, entity: entity.name, field } })
  }
  const shape = { ...entity.shape, ...extension }
  if (entity.staged?.statusWrites === 'move' && entity.staged.statusField === undefined) {
    fail(`staged.statusWrites of "${entity.name}" is "move" but it declares no statusField`, 'statusWrites')
  }
  for (const name of ['statusField', 'reasonField'] as const) {
    const field = entity.staged?.[name]
    if (field === undefined) continue
    if (Object.hasOwn(stagedFields, field) || !Object.hasOwn(shape, field)) {
      fail(`staged.${name} of "${entity.name}" names "${field}", which is not one of its own fields`, field)
    }
  }
}

function withStageFields(entity: EntityDefinition): EntityDefinition {
  // A status written as a move is input like any other field; otherwise only the machine sets it.
  const statusField = entity.staged?.statusWrites === 'move' ? undefined : entity.staged?.statusField
  const indexes = entity.indexes ?? []
  const relations = entity.relations ?? {}
  return {
    ...entity,
    shape: { ...entity.shape, ...stagedFields },
    references: { ...entity.references, pipelineId: { model: 'pipeline', onDelete: 'restrict' } },
    indexes: indexes.some((i) => i.name === 'by_pipeline_stage_entered')
      ? indexes
      : [
          ...indexes,
          { name: 'by_pipeline_stage_entered', fields: ['pipelineId', 'stageId', 'stageEnteredAt'] },
        ],
    relations: Object.hasOwn(relations, 'pipeline')
      ? relations
      : { ...relations, pipeline: { kind: 'belongsTo', model: 'pipeline', localKey: 'pipelineId' } },
    readOnly: [
      ...(entity.readOnly ?? []),
      'stageEnteredAt',
      'lastOpenStageId',
      ...(statusField ? [statusField] : []),
    ],
  }
}
