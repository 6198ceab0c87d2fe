import type { StageChange } from '../entities/entity-types.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import type { EntityService } from './entity-service.js'
import type { ChangePipelineOptions, MoveStageOptions } from './stage-move-options.js'

/**
 * The service of a plugin entity declared `staged` (`crm.staged(name)`, or `crm.entity(name)` which returns the same
 * object): the generic entity service plus the pipeline machine deals have. Every stage change, through `moveStage`
 * or a plain `update` of `stageId`, passes the pipeline's policy, required fields and transition guards, appends a
 * stage-history row and emits `<entity>.stage_changed` (plus the declaration's `events`) after commit.
 *
 * @example
 * ```ts
 * const quotes = crm.staged<Quote>('quote')
 * const quote = await quotes.create({ title: 'Acme rollout' }) // default pipeline, first stage
 * const pipeline = await crm.pipelines.get(quote.pipelineId)
 * const sent = pipeline.stages.find((s) => s.key === 'sent')!
 * await quotes.moveStage(quote.id, sent.id, { expectedVersion: quote.version, reason: 'Mailed to buyer' })
 * const history = await quotes.stageHistory(quote.id)
 * ```
 */
export interface StagedEntityService<R = Record<string, unknown>>
  extends EntityService<R, Record<string, unknown>, Record<string, unknown>> {
  /**
   * Moves a record to another stage of its pipeline, in one transaction; a refused move is `INVALID_TRANSITION`
   * (details: `guard`, `from`, `to`, `missingFields`) and writes nothing.
   */
  moveStage(id: string, stageId: string, options?: MoveStageOptions): Promise<R>
  /** Moves a record to another pipeline of its entity; `stageMapping` maps its current stage to a target stage. */
  changePipeline(id: string, pipelineId: string, options: ChangePipelineOptions): Promise<R>
  /** The record's stage history, oldest first. */
  stageHistory(id: string): Promise<StageChange[]>
  /** Time spent per stage, and how long the record has been in its current stage. */
  timeInStage(id: string): Promise<TimeInStage>
}
