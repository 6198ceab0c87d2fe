import type { Session } from '../crm/session.js'
import type { PipelineInput } from '../entities/entity-types.js'
import type { Stage } from '../entities/pipeline.js'
import type { PipelineRules } from '../pipeline/pipeline-shape.js'
import { findStage, initialStage } from '../pipeline/pipeline-shape.js'
import { effectiveProbability, planTransition, stageEffects } from '../pipeline/plan-transition.js'
import type { StageRef } from '../pipeline/stage-events.js'
import type { TransitionFailure } from '../pipeline/transition-failure.js'
import { invalidTransition } from '../pipeline/transition-failure.js'
import { transitionGuardsOf } from '../pipeline/transition-guard.js'
import type { StorageFilter } from '../storage/storage-filter.js'
import type { EntityBehaviour } from './entity-service.js'
import { failValidation } from './record-validation.js'
import { stageFromStatus } from './stage-from-status.js'
import type { PendingTransition } from './stage-intents.js'
import { moveIntentOf, setPendingTransition, takePendingTransition } from './stage-intents.js'

/** A staged entity type: `deal`, `lead`, `ticket`, or a plugin entity declared `staged`. */
export type StagedEntityType = string

/** How one entity type uses the pipeline machine. */
export interface StagedEntityOptions {
  readonly entityType: StagedEntityType
  /** The field that holds the reason of a `lost` stage. */
  readonly reasonField: string | null
  /** A field kept equal to the current stage's key (plugin entities' `staged.statusField`). */
  readonly statusField?: string
  /** A write of `statusField` is a move to the stage with that key (`staged.statusWrites: 'move'`). */
  readonly statusMoves?: boolean
  /** Deals: maintain probability and forecast category from the stage. */
  readonly probability?: boolean
  /** Creates the tenant's default pipeline when a record names none (leads and tickets). */
  readonly defaultTemplate?: (overrides: Partial<PipelineInput>) => PipelineInput
  /** Extra checks of a move, after the built-in guards (e.g. converted leads are final). */
  check?(move: StagedMove): TransitionFailure | null
  /** Runs at the end of `prepare` (e.g. tickets recompute their SLA due times). */
  afterPrepare?(
    record: Record<string, unknown>,
    session: Session,
    current: Record<string, unknown> | null,
    transition: PendingTransition | null,
  ): Promise<void>
  /** Extra event names for an accepted move, besides `<entity>.stage_changed`. */
  events?(transition: PendingTransition, record: Record<string, unknown>): readonly string[]
}

/** A move seen by an entity's own `check`. */
export interface StagedMove {
  readonly record: Readonly<Record<string, unknown>>
  readonly current: Readonly<Record<string, unknown>> | null
  readonly from: Stage | null
  readonly to: Stage
  readonly converting: boolean
}

function modelScope(session: Session, model: string) {
  const schema = session.runtime.schema
  return { model: schema.entity(model).model, tenantId: session.tenantId, schema: schema.storage }
}

function eq(field: string, value: string | boolean): StorageFilter {
  return {
    kind: 'compare',
    ref: { field, type: typeof value === 'boolean' ? 'boolean' : 'string' },
    op: 'eq',
    value,
  }
}

/** A pipeline as the machine sees it (`null` when missing). */
export async function loadPipeline(
  session: Session,
  id: string,
): Promise<(PipelineRules & { entityType: string; name: string }) | null> {
  const row = await session.ops.findById({ ...modelScope(session, 'pipeline'), id })
  if (!row) return null
  return session.runtime.schema.entity('pipeline').fromRow(row) as unknown as PipelineRules & {
    entityType: string
    name: string
  }
}

/** The tenant's default pipeline for an entity type: the one flagged `isDefault`, else the oldest, else none. */
export async function findDefaultPipeline(session: Session, entityType: string): Promise<string | null> {
  const rows = await session.ops.findMany({
    ...modelScope(session, 'pipeline'),
    where: {
      kind: 'and',
      filters: [
        eq('entityType', entityType),
        { kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true },
      ],
    },
    orderBy: [
      { ref: { field: 'isDefault', type: 'boolean' }, direction: 'desc' },
      { ref: { field: 'id', type: 'string' }, direction: 'asc' },
    ],
    limit: 1,
  })
  return (rows[0]?.['id'] as string | undefined) ?? null
}

/** A stage as events report it. */
export function stageRef(stage: Stage): StageRef {
  return { id: stage.id, name: stage.name, kind: stage.kind, key: stage.key ?? null }
}

/**
 * The pipeline machine as an entity behaviour: every create and every write that changes `stageId` or
 * `pipelineId` (through `moveStage` or a plain `update`) passes the same guards, gets the same effects, appends one
 * history row and emits `<entity>.stage_changed`, all in the write's transaction.
 *
 * @internal
 */
export function stagedBehaviour(options: StagedEntityOptions, base: EntityBehaviour = {}): EntityBehaviour {
  const entity = options.entityType
  return {
    async prepare(record, session, current) {
      await base.prepare?.(record, session, current)
      const id = record['id'] as string
      const intent = moveIntentOf(session, id)
      setPendingTransition(session, id, null)
      if (!record['pipelineId']) {
        if (current) {
          failValidation(entity, [
            { path: ['pipelineId'], message: 'A pipeline is required', code: 'invalid_value' },
          ])
        }
        record['pipelineId'] = await provisionDefault(session, options)
      }
      const pipeline = await loadPipeline(session, record['pipelineId'] as string)
      if (!pipeline || pipeline.entityType !== entity) {
        failValidation(entity, [
          {
            path: ['pipelineId'],
            message: pipeline
              ? `The pipeline is for ${pipeline.entityType}s, not ${entity}s`
              : 'No such pipeline',
            code: 'invalid_value',
          },
        ])
      }
      if (options.statusMoves && options.statusField) {
        stageFromStatus(entity, options.statusField, record, current, pipeline)
      }
      if (!record['stageId']) record['stageId'] = initialStage(pipeline).id
      const pipelineChanged = current !== null && current['pipelineId'] !== record['pipelineId']
      const stageChanged = current === null || pipelineChanged || current['stageId'] !== record['stageId']
      const now = session.runtime.clock()
      if (!stageChanged) {
        // Maintained fields cannot be edited directly.
        record['stageEnteredAt'] = current['stageEnteredAt'] ?? null
        record['lastOpenStageId'] = current['lastOpenStageId'] ?? null
        if (options.statusField) record[options.statusField] = current[options.statusField] ?? null
        const stage = findStage(pipeline, record['stageId'] as string)
        if (options.probability && stage) applyProbability(record, current, stage, false)
        await options.afterPrepare?.(record, session, current, null)
        return
      }
      if (pipelineChanged && !intent?.pipelineChange) {
        throw invalidTransition(entity, id, {
          guard: 'stageMapping',
          message: `Moving a ${entity} to another pipeline needs an explicit stage mapping: use changePipeline()`,
          from: current['stageId'] as string,
          to: record['stageId'] as string,
        })
      }
      const reason = intent?.reason ?? null
      const targetStage = findStage(pipeline, record['stageId'] as string)
      if (
        reason !== null &&
        options.reasonField &&
        targetStage?.kind === 'lost' &&
        !record[options.reasonField]
      ) {
        record[options.reasonField] = reason
      }
      const verdict = planTransition({
        pipeline,
        fromStageId: current && !pipelineChanged ? (current['stageId'] as string) : null,
        toStageId: record['stageId'] as string,
        record,
        reasonField: options.reasonField,
      })
      if (!verdict.ok) {
        if (!current && verdict.guard === 'stageInPipeline') {
          failValidation(entity, [
            {
              path: ['stageId'],
              message: `The stage does not belong to the ${entity}’s pipeline`,
              code: 'invalid_value',
            },
          ])
        }
        throw invalidTransition(entity, id, {
          ...verdict,
          from: (current?.['stageId'] as string | undefined) ?? null,
        })
      }
      const to = verdict.to
      let from: Stage | null = verdict.from
      let fromPipelineId: string | null = null
      if (pipelineChanged) {
        fromPipelineId = current['pipelineId'] as string
        const old = await loadPipeline(session, fromPipelineId)
        from = old ? (findStage(old, current['stageId'] as string) ?? null) : null
      }
      const own = options.check?.({ record, current, from, to, converting: intent?.converting ?? false })
      if (own) throw invalidTransition(entity, id, own)
      for (const guard of transitionGuardsOf(session.runtime)) {
        if (guard.entities && !guard.entities.includes(entity)) continue
        const result = await guard.check({
          entity,
          record,
          current,
          pipeline,
          from,
          to,
          tenantId: session.tenantId,
          actor: session.actor,
          crm: session.runtime.servicesFor(session),
        })
        if (result === true || result === undefined) continue
        const message =
          result === false
            ? `The guard "${guard.name}" refused the move`
            : typeof result === 'string'
              ? result
              : result.message
        throw invalidTransition(entity, id, {
          guard: guard.name,
          message,
          from: (current?.['stageId'] as string | undefined) ?? null,
          to: to.id,
          ...(typeof result === 'object' && result.missingFields
            ? { missingFields: result.missingFields }
            : {}),
        })
      }
      const effects = stageEffects({
        from: current ? from : null,
        to,
        now,
        closedAt: (record['closedAt'] as Date | null) ?? null,
        lastOpenStageId: (current?.['lastOpenStageId'] as string | null | undefined) ?? null,
      })
      record['stageEnteredAt'] = effects.stageEnteredAt
      record['closedAt'] = effects.closedAt
      record['lastOpenStageId'] = effects.lastOpenStageId
      if (
        effects.clearReason &&
        options.reasonField &&
        current?.[options.reasonField] === record[options.reasonField]
      ) {
        record[options.reasonField] = null
      }
      if (options.probability) applyProbability(record, current, to, true)
      if (options.statusField) record[options.statusField] = to.key ?? null
      const transition: PendingTransition = {
        pipelineId: pipeline.id,
        fromPipelineId,
        from: current ? from : null,
        to,
        fromEnteredAt: (current?.['stageEnteredAt'] as Date | null | undefined) ?? null,
        at: now,
        reason,
      }
      setPendingTransition(session, id, transition)
      await options.afterPrepare?.(record, session, current, transition)
    },

    async afterWrite(record, session, before) {
      await base.afterWrite?.(record, session, before)
      const id = record['id'] as string
      const transition = takePendingTransition(session, id)
      if (!transition) return
      const durationMs = transition.fromEnteredAt
        ? Math.max(0, transition.at.getTime() - transition.fromEnteredAt.getTime())
        : null
      const history = session.runtime.schema.entity('stageChange')
      await session.ops.create({
        ...modelScope(session, 'stageChange'),
        data: history.toRow({
          id: session.runtime.nextId(history.model.idPrefix, transition.at),
          tenantId: session.tenantId,
          createdAt: transition.at,
          updatedAt: transition.at,
          version: 1,
          archivedAt: null,
          entityType: entity,
          recordId: id,
          pipelineId: transition.pipelineId,
          fromPipelineId: transition.fromPipelineId,
          fromStageId: transition.from?.id ?? null,
          fromKind: transition.from?.kind ?? null,
          toStageId: transition.to.id,
          toKind: transition.to.kind,
          at: transition.at,
          fromEnteredAt: transition.fromEnteredAt,
          durationMs,
          actorId: session.actor?.id ?? null,
          reason: transition.reason,
        }),
      })
      if (!before || !transition.from) return
      const payload = {
        entity,
        id,
        tenantId: session.tenantId,
        at: transition.at,
        actor: session.actor,
        record,
        pipelineId: transition.pipelineId,
        fromPipelineId: transition.fromPipelineId,
        from: stageRef(transition.from),
        to: stageRef(transition.to),
        durationMs: durationMs ?? 0,
        reason: transition.reason,
      }
      session.queue(`${entity}.stage_changed`, payload)
      for (const name of options.events?.(transition, record) ?? [])
        session.queue(`${entity}.${name}`, payload)
    },

    async beforeDelete(record, session) {
      await base.beforeDelete?.(record, session)
      await session.ops.deleteMany({
        ...modelScope(session, 'stageChange'),
        where: { kind: 'and', filters: [eq('entityType', entity), eq('recordId', record['id'] as string)] },
      })
    },
  }
}

/** The usual events of a move: `won`, `lost` and `reopened`, by the kinds of the stages. */
export function closingEvents(transition: PendingTransition): string[] {
  const events: string[] = []
  if (transition.to.kind !== 'open' && transition.from?.kind !== transition.to.kind)
    events.push(transition.to.kind)
  if (transition.from && transition.from.kind !== 'open' && transition.to.kind === 'open')
    events.push('reopened')
  return events
}

/**
 * Keeps the stage default, the manual override and the model estimate apart. Writing `probability` sets the
 * override; the effective value is recomputed on every write.
 */
function applyProbability(
  record: Record<string, unknown>,
  current: Record<string, unknown> | null,
  stage: Stage,
  stageChanged: boolean,
): void {
  const written = record['probability'] as number | null
  const overrideChanged = current !== null && current['probabilityOverride'] !== record['probabilityOverride']
  if (!overrideChanged) {
    if (current === null) {
      if (written !== null && written !== undefined && record['probabilityOverride'] == null) {
        record['probabilityOverride'] = written
      }
    } else if (written !== current['probability']) {
      record['probabilityOverride'] = written ?? null
    }
  }
  record['stageProbability'] = stage.probability
  record['probability'] = effectiveProbability({
    stage,
    override: (record['probabilityOverride'] as number | null) ?? null,
    estimate: (record['probabilityEstimate'] as number | null) ?? null,
  })
  if (stageChanged || record['forecastCategory'] == null) record['forecastCategory'] = stage.forecastCategory
}

async function provisionDefault(session: Session, options: StagedEntityOptions): Promise<string> {
  const existing = await findDefaultPipeline(session, options.entityType)
  if (existing) return existing
  if (!options.defaultTemplate) {
    failValidation(options.entityType, [
      { path: ['pipelineId'], message: 'A pipeline is required', code: 'invalid_value' },
    ])
  }
  const created = await session.runtime
    .servicesFor(session)
    .pipelines.create(options.defaultTemplate({ isDefault: true }))
  return created.id
}
