import type { Session } from '../crm/session.js'
import { RapportError } from '../errors/rapport-error.js'
import type { StorageFilter } from '../storage/storage-filter.js'
import { findVisibleIds, findVisibleRow } from './entity-references.js'
import type { EntityBehaviour } from './entity-service.js'
import { failValidation } from './record-validation.js'

function scope(session: Session, model: string) {
  const schema = session.runtime.schema
  return { model: schema.entity(model).model, tenantId: session.tenantId, schema: schema.storage }
}

function eq(field: string, value: string): StorageFilter {
  return { kind: 'compare', ref: { field, type: 'string' }, op: 'eq', value }
}

/**
 * Pipelines mint ids for new stages, so records can reference a stage that survives renames and reordering; resolve
 * the stages named by `transitions` (id, key or name) to ids; and refuse to drop a stage that records still use.
 */
export const pipelineBehaviour: EntityBehaviour = {
  async prepare(record, session, current) {
    const stages = (record['stages'] as { id?: string; key?: string; name: string }[]).map((stage) =>
      stage.id ? stage : { id: session.runtime.nextId('stg', session.runtime.clock()), ...stage },
    )
    record['stages'] = stages
    const resolve = (ref: string) =>
      stages.find((s) => s.id === ref) ??
      stages.find((s) => s.key === ref) ??
      stages.find((s) => s.name === ref)
    const edges = (record['transitions'] as { from: string; to: string }[] | null) ?? []
    record['transitions'] = edges.map((edge, i) => {
      const from = resolve(edge.from)
      const to = resolve(edge.to)
      if (!from || !to) {
        failValidation('pipeline', [
          {
            path: ['transitions', i, from ? 'to' : 'from'],
            message: `No stage with the id, key or name "${from ? edge.to : edge.from}"`,
            code: 'invalid_value',
          },
        ])
      }
      return { from: from.id as string, to: to.id as string }
    })
    if (!current) return
    const kept = new Set(stages.map((s) => s.id))
    const dropped = ((current['stages'] as { id: string }[] | null) ?? []).filter((s) => !kept.has(s.id))
    if (dropped.length === 0) return
    const model = current['entityType'] as string
    if (!session.runtime.schema.entities.has(model) || model === 'contact') return
    const inUse = await session.ops.count({
      ...scope(session, model),
      where: {
        kind: 'and',
        filters: [
          eq('pipelineId', current['id'] as string),
          {
            kind: 'in',
            ref: { field: 'stageId', type: 'string' },
            values: dropped.map((s) => s.id),
            negate: false,
          },
        ],
      },
    })
    if (inUse > 0) {
      throw new RapportError(
        'CONSTRAINT_VIOLATION',
        `${inUse} ${model} record(s) are still in a stage this update removes; move them first`,
        { details: { entity: 'pipeline', id: current['id'], stages: dropped.map((s) => s.id), inUse } },
      )
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
 * The field dating each linked source, copied into its links' `sourceAt` (the timeline's index key): an activity
 * happened at `occurredAt`, a task at `createdAt` (the timeline's own dates for them).
 */
export const LINKED_SOURCE_AT: Readonly<Record<'activity' | 'task', string>> = Object.freeze({
  activity: 'occurredAt',
  task: 'createdAt',
})

function sameInstant(a: unknown, b: unknown): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b
}

/** Refuses a source's duplicate, unknown or unreadable (missing, hidden: the same answer) targets, in order. */
async function checkLinkTargets(
  sourceType: string,
  record: Record<string, unknown>,
  session: Session,
  visible: (type: string, id: string) => Promise<boolean>,
): Promise<void> {
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
        { path: ['targets', i, 'type'], message: `Unknown entity "${target.type}"`, code: 'invalid_value' },
      ])
    }
    if (!(await visible(target.type, target.id))) {
      failValidation(sourceType, [
        { path: ['targets', i, 'id'], message: `No ${target.type} with this id`, code: 'invalid_value' },
      ])
    }
  }
}

/**
 * Activities and tasks mirror their `targets` into `recordLink` rows, so relation filters ("contacts with a meeting
 * this month") work on every adapter, and date each link with the source's time (`sourceAt`), in the same
 * transaction as the source's write. Targets must exist in the same tenant.
 */
export function linkedTargetsBehaviour(
  sourceType: keyof typeof LINKED_SOURCE_AT,
  base: EntityBehaviour = {},
): EntityBehaviour {
  const atField = LINKED_SOURCE_AT[sourceType]
  /** The link rows of a created or re-targeted source. */
  const linkRows = (record: Record<string, unknown>, session: Session, now: Date) => {
    const entity = session.runtime.schema.entity('recordLink')
    const targets = (record['targets'] as { type: string; id: string }[]) ?? []
    const at = (record[atField] as Date | null | undefined) ?? null
    return targets.map((t) =>
      entity.toRow({
        id: session.runtime.nextId(entity.model.idPrefix, now),
        tenantId: session.tenantId,
        createdAt: now,
        updatedAt: now,
        version: 1,
        archivedAt: null,
        sourceType,
        sourceId: record['id'] as string,
        targetType: t.type,
        targetId: t.id,
        sourceAt: at,
      }),
    )
  }
  return {
    async prepare(record, session, current) {
      await base.prepare?.(record, session, current)
      await checkLinkTargets(
        sourceType,
        record,
        session,
        async (type, id) => (await findVisibleRow(session, type, id)) !== null,
      )
    },
    // A create call's targets are read once per target type for the whole batch, then checked record by record in
    // order, so the first failing record throws what `prepare` would have.
    async prepareMany(records, session) {
      const wanted = new Map<string, Set<string>>()
      for (const record of records) {
        for (const t of (record['targets'] as { type: string; id: string }[] | null) ?? []) {
          if (typeof t?.type !== 'string' || typeof t.id !== 'string') continue
          if (!session.runtime.schema.entities.has(t.type)) continue
          let ids = wanted.get(t.type)
          if (!ids) wanted.set(t.type, (ids = new Set()))
          ids.add(t.id)
        }
      }
      const found = new Map<string, Set<string>>()
      for (const [type, ids] of wanted) found.set(type, await findVisibleIds(session, type, [...ids]))
      for (const record of records) {
        await base.prepare?.(record, session, null)
        await checkLinkTargets(
          sourceType,
          record,
          session,
          async (type, id) => found.get(type)?.has(id) ?? false,
        )
      }
    },
    async afterWrite(record, session, before) {
      await base.afterWrite?.(record, session, before)
      const targets = (record['targets'] as { type: string; id: string }[]) ?? []
      const previous = (before?.['targets'] as { type: string; id: string }[] | undefined) ?? null
      const at = (record[atField] as Date | null | undefined) ?? null
      const id = record['id'] as string
      const linkScope = scope(session, 'recordLink')
      const ofSource: StorageFilter = {
        kind: 'and',
        filters: [eq('sourceType', sourceType), eq('sourceId', id)],
      }
      if (previous && JSON.stringify(previous) === JSON.stringify(targets)) {
        // Same targets: only a new date moves the links in the timeline's index.
        if (!sameInstant(before?.[atField] ?? null, at) && targets.length > 0) {
          await session.ops.updateMany({
            ...linkScope,
            where: ofSource,
            data: { sourceAt: at, updatedAt: session.runtime.clock() },
          })
        }
        return
      }
      if (previous) await session.ops.deleteMany({ ...linkScope, where: ofSource })
      if (targets.length === 0) return
      await session.ops.createMany({ ...linkScope, data: linkRows(record, session, session.runtime.clock()) })
    },
    // The links of a create call's every record in one insert.
    async afterCreateMany(records, session) {
      for (const record of records) await base.afterWrite?.(record, session, null)
      const now = session.runtime.clock()
      const data = records.flatMap((record) => linkRows(record, session, now))
      if (data.length > 0) await session.ops.createMany({ ...scope(session, 'recordLink'), data })
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
