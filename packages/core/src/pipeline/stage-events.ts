import type { stageKinds } from '../entities/pipeline.js'
import type { EventMeta } from '../events/crm-events.js'

/** A stage as events report it. */
export interface StageRef {
  readonly id: string
  readonly name: string
  readonly kind: (typeof stageKinds)[number]
  readonly key: string | null
}

/**
 * Payload of `<entity>.stage_changed` (deals, leads, tickets) and of the move events `deal.won`, `deal.lost`,
 * `deal.reopened`, `lead.disqualified`, `lead.reopened`, `ticket.resolved`, `ticket.reopened`.
 */
export interface StageChangedEvent<R> extends EventMeta {
  /** The record after the move. */
  readonly record: R
  /** The pipeline after the move. */
  readonly pipelineId: string
  /** The pipeline before the move, when the move changed pipelines (else `null`). */
  readonly fromPipelineId: string | null
  readonly from: StageRef
  readonly to: StageRef
  /** Milliseconds the record spent in `from`. */
  readonly durationMs: number
  /** The reason given to the move, if any. */
  readonly reason: string | null
}
