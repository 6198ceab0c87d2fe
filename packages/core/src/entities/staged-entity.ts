import * as z from 'zod'
import { refIdSchema } from './common-schemas.js'
import type { PipelineInput } from './entity-types.js'

/** A stage as a staged entity's `events` sees it. */
export interface StagedStageRef {
  readonly id: string
  readonly name: string
  readonly kind: 'open' | 'won' | 'lost'
  /** The stage's machine name, when it has one. */
  readonly key: string | null
}

/** The default pipeline core creates for a tenant the first time a staged record names none. */
export type StagedPipelineTemplate = Omit<PipelineInput, 'entityType' | 'isDefault'>

/**
 * Opts a plugin entity into core's pipeline machine (`EntityDefinition.staged`): its records carry `pipelineId` and
 * `stageId`, pipelines may be created with its name as `entityType`, and every create or stage change passes the
 * pipeline's policy, required fields and transition guards, appends a stage-history row and emits
 * `<entity>.stage_changed`, in the write's transaction, exactly as for deals, leads and tickets.
 *
 * @example
 * ```ts
 * const quote = defineEntity({
 *   name: 'quote',
 *   idPrefix: 'quo',
 *   shape: { title: z.string(), status: z.string().nullable().optional() },
 *   staged: {
 *     statusField: 'status',
 *     defaultPipeline: {
 *       name: 'Quotes',
 *       policy: 'explicit',
 *       stages: [{ key: 'draft', name: 'Draft' }, { key: 'sent', name: 'Sent' }, { key: 'accepted', name: 'Accepted', kind: 'won' }],
 *       transitions: [{ from: 'draft', to: 'sent' }, { from: 'sent', to: 'accepted' }],
 *     },
 *     events: ({ to }) => (to.key ? [to.key] : []), // quote.sent, quote.accepted
 *   },
 * })
 * ```
 */
export interface StagedEntityDeclaration {
  /**
   * A string field of the entity that core keeps equal to the current stage's `key` (e.g. `status`), so records
   * can be filtered by a stable name. It becomes read-only: the stage is changed through `moveStage`.
   */
  readonly statusField?: string
  /**
   * What a write of `statusField` means: `readOnly` (default) refuses it (`VALIDATION_FAILED`); `move` takes it as a
   * move to the stage of the record's pipeline with that key, through the same machine as `moveStage` (policy,
   * required fields, guards, history, events), so `update(id, { status: 'approved' })` from a host, the REST server,
   * an automation rule or another plugin is a checked move. A key the pipeline does not have is
   * `INVALID_TRANSITION` (guard `stageInPipeline`; `VALIDATION_FAILED` on create); a write naming both a
   * `stageId` and a different status is `VALIDATION_FAILED`.
   */
  readonly statusWrites?: 'readOnly' | 'move'
  /** A string field that must hold a reason to enter a `lost` stage (deals' `lostReason`); `moveStage`'s reason fills it. */
  readonly reasonField?: string
  /** Created as the tenant's default pipeline for this entity when a record names no pipeline and none exists. */
  readonly defaultPipeline?: StagedPipelineTemplate
  /**
   * Extra event names for an accepted move besides `<entity>.stage_changed`, each emitted as `<entity>.<name>` with
   * the same payload. Default: `won`, `lost` and `reopened` by the kinds of the stages.
   */
  events?(move: { readonly from: StagedStageRef; readonly to: StagedStageRef }): readonly string[]
}

/**
 * The fields core adds to a staged entity (spread them into the shape to have them in the record type; core adds
 * them either way). `pipelineId` and `stageId` may be omitted on create: the default pipeline and its first stage
 * are used. `stageEnteredAt`, `lastOpenStageId` and `closedAt` are maintained by the machine.
 */
export const stagedFields = {
  pipelineId: refIdSchema.optional(),
  stageId: refIdSchema.optional(),
  /** When the record entered its current stage (maintained by core). */
  stageEnteredAt: z.date().nullable().optional(),
  /** The last open stage before the record entered a closed one (maintained by core). */
  lastOpenStageId: refIdSchema.nullable().optional(),
  /** When the record entered a won or lost stage (maintained by core). */
  closedAt: z.date().nullable().optional(),
}
