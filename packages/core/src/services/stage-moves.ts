import * as z from 'zod'
import type { Session } from '../crm/session.js'
import { findStage } from '../pipeline/pipeline-shape.js'
import { invalidTransition } from '../pipeline/transition-failure.js'
import type { EntityService } from '../types/entity-service.js'
import type { ChangePipelineOptions, MoveStageOptions } from '../types/stage-move-options.js'
import { failValidation, toIssues } from './record-validation.js'
import { withMoveIntent } from './stage-intents.js'
import { loadPipeline } from './staged-behaviour.js'

const moveOptionsSchema = z
  .object({
    expectedVersion: z.int().min(1).optional(),
    reason: z.string().min(1).max(1000).optional(),
    fields: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()

const changeOptionsSchema = z
  .object({
    stageMapping: z.record(z.string().min(1).max(100), z.string().min(1).max(100)),
    expectedVersion: z.int().min(1).optional(),
    reason: z.string().min(1).max(1000).optional(),
  })
  .strict()

type AnyService = EntityService<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>

function serviceOf(session: Session, entity: string): AnyService {
  return session.runtime.servicesFor(session).entity(entity) as AnyService
}

/**
 * Moves a staged record to another stage of its pipeline in one transaction (guards, effects, history, events).
 *
 * @internal
 */
export async function moveRecordStage(
  session: Session,
  entity: string,
  id: string,
  stageId: string,
  options: MoveStageOptions = {},
): Promise<Record<string, unknown>> {
  const parsed = moveOptionsSchema.safeParse(options ?? {})
  if (!parsed.success) failValidation(entity, toIssues(parsed.error, ['options']))
  if (typeof stageId !== 'string' || stageId.length === 0 || stageId.length > 100) {
    failValidation(entity, [{ path: ['stageId'], message: 'Expected a stage id', code: 'invalid_type' }])
  }
  const { expectedVersion, reason, fields } = parsed.data
  if (fields && ('stageId' in fields || 'pipelineId' in fields)) {
    failValidation(entity, [
      {
        path: ['options', 'fields'],
        message: 'Pass the stage as an argument, not in fields',
        code: 'custom',
      },
    ])
  }
  return session.write((tx) =>
    withMoveIntent(tx, id, { reason: reason ?? null }, () =>
      serviceOf(tx, entity).update(
        id,
        { ...fields, stageId },
        expectedVersion === undefined ? {} : { expectedVersion },
      ),
    ),
  )
}

/**
 * Moves a staged record to another pipeline through an explicit stage mapping, in one transaction.
 *
 * @internal
 */
export async function changeRecordPipeline(
  session: Session,
  entity: string,
  id: string,
  pipelineId: string,
  options: ChangePipelineOptions,
): Promise<Record<string, unknown>> {
  const parsed = changeOptionsSchema.safeParse(options ?? {})
  if (!parsed.success) failValidation(entity, toIssues(parsed.error, ['options']))
  const { stageMapping, expectedVersion, reason } = parsed.data
  return session.write(async (tx) => {
    const service = serviceOf(tx, entity)
    const current = await service.get(id)
    const target = await loadPipeline(tx, pipelineId)
    if (!target || target.entityType !== entity) {
      failValidation(entity, [
        { path: ['pipelineId'], message: `No ${entity} pipeline with this id`, code: 'invalid_value' },
      ])
    }
    for (const [from, to] of Object.entries(stageMapping)) {
      if (!findStage(target, to)) {
        throw invalidTransition(entity, id, {
          guard: 'stageInPipeline',
          message: `The mapping sends "${from}" to "${to}", which is not a stage of pipeline "${target.name}"`,
          from,
          to,
        })
      }
    }
    const fromStage = current['stageId'] as string
    const toStage = Object.hasOwn(stageMapping, fromStage) ? stageMapping[fromStage] : undefined
    if (!toStage) {
      throw invalidTransition(entity, id, {
        guard: 'stageMapping',
        message: `The stage mapping has no entry for the ${entity}'s current stage "${fromStage}"`,
        from: fromStage,
        to: null,
      })
    }
    return withMoveIntent(tx, id, { reason: reason ?? null, pipelineChange: true }, () =>
      service.update(
        id,
        { pipelineId, stageId: toStage },
        expectedVersion === undefined ? {} : { expectedVersion },
      ),
    )
  })
}
