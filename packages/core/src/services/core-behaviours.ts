import type { Session } from '../crm/session.js'
import { RapportError } from '../errors/rapport-error.js'
import type { StorageFilter } from '../storage/storage-filter.js'
import type { EntityBehaviour } from './entity-service.js'
import { failValidation } from './record-validation.js'

function scope(session: Session, model: string) {
  const schema = session.runtime.schema
  return { model: schema.entity(model).model, tenantId: session.tenantId, schema: schema.storage }
}

function eq(field: string, value: string): StorageFilter {
  return { kind: 'compare', ref: { field, type: 'string' }, op: 'eq', value }
}

/** Pipelines mint ids for new stages, so deals can reference a stage that survives renames and reordering. */
export const pipelineBehaviour: EntityBehaviour = {
  async prepare(record, session) {
    const stages = record['stages'] as { id?: string }[]
    record['stages'] = stages.map((stage) =>
      stage.id ? stage : { id: session.runtime.nextId('stg', session.runtime.clock()), ...stage },
    )
  },
}

/** Deals must sit in a stage of their own pipeline; the probability defaults to the stage's. */
export const dealBehaviour: EntityBehaviour = {
  async prepare(record, session, current) {
    const pipelineChanged = !current || current['pipelineId'] !== record['pipelineId']
    const stageChanged = !current || current['stageId'] !== record['stageId']
    if (!pipelineChanged && !stageChanged) return
    const pipelineRow = await session.ops.findById({
      ...scope(session, 'pipeline'),
      id: record['pipelineId'] as string,
    })
    if (!pipelineRow) {
      failValidation('deal', [{ path: ['pipelineId'], message: 'No such pipeline', code: 'invalid_value' }])
    }
    const stages = (pipelineRow['stages'] as { id: string; probability: number }[] | null) ?? []
    const stage = stages.find((s) => s.id === record['stageId'])
    if (!stage) {
      failValidation('deal', [
        {
          path: ['stageId'],
          message: 'The stage does not belong to the deal’s pipeline',
          code: 'invalid_value',
        },
      ])
    }
    if (
      record['probability'] === null ||
      record['probability'] === undefined ||
      (current && stageChanged && current['probability'] === record['probability'])
    ) {
      record['probability'] = stage.probability
    }
  },
}

/** Tasks record when they were completed. */
export const taskBehaviour: EntityBehaviour = {
  async prepare(record, session, current) {
    const done = record['status'] === 'done'
    const wasDone = current?.['status'] === 'done'
    if (done && !wasDone && !record['completedAt']) record['completedAt'] = session.runtime.clock()
    if (!done && wasDone) record['completedAt'] = null
  },
}

/**
 * Activities and tasks mirror their `targets` into `recordLink` rows, so relation filters ("contacts with a meeting
 * this month") work on every adapter. Targets must exist in the same tenant.
 */
export function linkedTargetsBehaviour(sourceType: string, base: EntityBehaviour = {}): EntityBehaviour {
  return {
    async prepare(record, session, current) {
      await base.prepare?.(record, session, current)
      const targets = (record['targets'] as { type: string; id: string }[]) ?? []
      const seen = new Set<string>()
      for (const [i, target] of targets.entries()) {
        const key = `${target.type}:${target.id}`
        if (seen.has(key)) {
          failValidation(sourceType, [{ path: ['targets', i], message: 'Duplicate target', code: 'custom' }])
        }
        seen.add(key)
        const entity = session.runtime.schema.entities.get(target.type)
        if (!entity) {
          failValidation(sourceType, [
            {
              path: ['targets', i, 'type'],
              message: `Unknown entity "${target.type}"`,
              code: 'invalid_value',
            },
          ])
        }
        const exists = await session.ops.findById({ ...scope(session, target.type), id: target.id })
        if (!exists) {
          failValidation(sourceType, [
            { path: ['targets', i, 'id'], message: `No ${target.type} with this id`, code: 'invalid_value' },
          ])
        }
      }
    },
    async afterWrite(record, session, before) {
      await base.afterWrite?.(record, session, before)
      const targets = (record['targets'] as { type: string; id: string }[]) ?? []
      const previous = (before?.['targets'] as { type: string; id: string }[] | undefined) ?? null
      if (previous && JSON.stringify(previous) === JSON.stringify(targets)) return
      const id = record['id'] as string
      const linkScope = scope(session, 'recordLink')
      if (previous) {
        await session.ops.deleteMany({
          ...linkScope,
          where: { kind: 'and', filters: [eq('sourceType', sourceType), eq('sourceId', id)] },
        })
      }
      if (targets.length === 0) return
      const now = session.runtime.clock()
      const entity = session.runtime.schema.entity('recordLink')
      await session.ops.createMany({
        ...linkScope,
        data: targets.map((t) =>
          entity.toRow({
            id: session.runtime.nextId(entity.model.idPrefix, now),
            tenantId: session.tenantId,
            createdAt: now,
            updatedAt: now,
            version: 1,
            archivedAt: null,
            sourceType,
            sourceId: id,
            targetType: t.type,
            targetId: t.id,
          }),
        ),
      })
    },
    async beforeDelete(record, session) {
      await base.beforeDelete?.(record, session)
      await session.ops.deleteMany({
        ...scope(session, 'recordLink'),
        where: {
          kind: 'and',
          filters: [eq('sourceType', sourceType), eq('sourceId', record['id'] as string)],
        },
      })
    },
  }
}

/** Records that can be targets drop the links pointing at them when deleted. */
export function targetableBehaviour(targetType: string, base: EntityBehaviour = {}): EntityBehaviour {
  return {
    ...base,
    async beforeDelete(record, session) {
      await base.beforeDelete?.(record, session)
      await session.ops.deleteMany({
        ...scope(session, 'recordLink'),
        where: {
          kind: 'and',
          filters: [eq('targetType', targetType), eq('targetId', record['id'] as string)],
        },
      })
    },
  }
}

/** Raised when a delete is blocked by references; kept here so services share the wording. */
export function referencedError(entity: string, id: string, by: string): RapportError {
  return new RapportError('CONSTRAINT_VIOLATION', `The ${entity} "${id}" is still referenced by ${by}`, {
    details: { entity, id, referencedBy: by },
  })
}
