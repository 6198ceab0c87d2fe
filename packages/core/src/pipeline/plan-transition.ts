import type { Stage } from '../entities/pipeline.js'
import { missingFields } from './missing-fields.js'
import type { PipelineRules } from './pipeline-shape.js'
import { findStage } from './pipeline-shape.js'
import type { TransitionFailure } from './transition-failure.js'
import { allowedTargets, checkPolicy } from './transition-policy.js'

/** The input of {@link planTransition}. */
export interface TransitionRequest {
  /** The pipeline the record will be in. */
  readonly pipeline: PipelineRules
  /** The stage the record is in; `null` when it is being created or changes pipelines (no policy applies). */
  readonly fromStageId: string | null
  readonly toStageId: string
  /** The record as it will be written (after the caller's patch), for required-field checks. */
  readonly record: Readonly<Record<string, unknown>>
  /** The field that holds the reason for `lost` stages (`lostReason`, `disqualifiedReason`), if any. */
  readonly reasonField?: string | null
}

/** A move the machine accepts. */
export interface TransitionPlan {
  readonly ok: true
  readonly from: Stage | null
  readonly to: Stage
}

/** The machine's verdict on a move. */
export type TransitionVerdict = TransitionPlan | ({ readonly ok: false } & TransitionFailure)

/**
 * Decides whether a record may enter `toStageId`: the stage belongs to the pipeline, the policy and reopen rule
 * allow the move, the stage's required fields are set and `lost` stages have a reason. Pure: it never throws and
 * never writes; services turn a refusal into an `INVALID_TRANSITION` error.
 *
 * @example
 * ```ts
 * const verdict = planTransition({ pipeline, fromStageId: deal.stageId, toStageId: proposalId, record: deal })
 * if (!verdict.ok) console.log(verdict.guard, verdict.missingFields) // 'requiredFields', ['amount']
 * ```
 */
export function planTransition(request: TransitionRequest): TransitionVerdict {
  const { pipeline, fromStageId, toStageId, record } = request
  const to = findStage(pipeline, toStageId)
  if (!to) {
    return {
      ok: false,
      guard: 'stageInPipeline',
      message: `The stage "${toStageId}" is not a stage of pipeline "${pipeline.id}"`,
      from: fromStageId,
      to: toStageId,
    }
  }
  const from = fromStageId === null ? null : (findStage(pipeline, fromStageId) ?? null)
  if (from) {
    const refusal = checkPolicy(pipeline, from.id, to.id)
    if (refusal === 'reopen') {
      return {
        ok: false,
        guard: 'reopen',
        message: `The pipeline does not allow reopening: the record is ${from.kind} in "${from.name}"`,
        from: from.id,
        to: to.id,
      }
    }
    if (refusal === 'policy') {
      const allowed = allowedTargets(pipeline, from.id)
      return {
        ok: false,
        guard: 'policy',
        message: `The ${pipeline.policy} policy does not allow moving from "${from.name}" to "${to.name}"${allowed.length > 0 ? ` (allowed: ${allowed.map((s) => s.name).join(', ')})` : ''}`,
        from: from.id,
        to: to.id,
        allowed: allowed.map((s) => s.id),
      }
    }
  }
  const missing = missingFields(record, to.requiredFields)
  if (missing.length > 0) {
    return {
      ok: false,
      guard: 'requiredFields',
      message: `"${to.name}" requires ${missing.join(', ')}`,
      from: from?.id ?? null,
      to: to.id,
      missingFields: missing,
    }
  }
  const reasonField = request.reasonField
  if (to.kind === 'lost' && reasonField && missingFields(record, [reasonField]).length > 0) {
    return {
      ok: false,
      guard: 'reason',
      message: `"${to.name}" is a lost stage and requires ${reasonField}`,
      from: from?.id ?? null,
      to: to.id,
      missingFields: [reasonField],
    }
  }
  return { ok: true, from, to }
}

/** What the machine changes on a record that enters a stage. */
export interface StageEffects {
  readonly stageEnteredAt: Date
  readonly closedAt: Date | null
  readonly lastOpenStageId: string | null
  /** Present when the reason field must be cleared (the record leaves a `lost` stage). */
  readonly clearReason: boolean
}

/**
 * The effects of entering `to` from `from` at `now`: the stage clock restarts; `closedAt` is set on won/lost
 * (kept when closed already, or when given on create) and cleared on reopen; the last open stage is remembered when
 * the record closes; a lost reason is cleared when the record leaves its lost stage.
 */
export function stageEffects(input: {
  readonly from: Stage | null
  readonly to: Stage
  readonly now: Date
  readonly closedAt: Date | null
  readonly lastOpenStageId: string | null
}): StageEffects {
  const { from, to, now } = input
  const closing = to.kind !== 'open'
  const wasClosed = from !== null && from.kind !== 'open'
  let closedAt: Date | null = null
  if (closing) closedAt = from === null ? (input.closedAt ?? now) : wasClosed ? (input.closedAt ?? now) : now
  if (closing && wasClosed && from.kind !== to.kind) closedAt = now
  const lastOpenStageId = closing && from && from.kind === 'open' ? from.id : input.lastOpenStageId
  return {
    stageEnteredAt: now,
    closedAt,
    lastOpenStageId,
    clearReason: from !== null && from.kind === 'lost' && to.kind !== 'lost',
  }
}

/**
 * The effective probability of a deal: the stage's on won/lost stages, otherwise the manual override, else the
 * model estimate, else the stage default.
 */
export function effectiveProbability(input: {
  readonly stage: Pick<Stage, 'kind' | 'probability'>
  readonly override: number | null
  readonly estimate: number | null
}): number {
  if (input.stage.kind !== 'open') return input.stage.probability
  return input.override ?? input.estimate ?? input.stage.probability
}
