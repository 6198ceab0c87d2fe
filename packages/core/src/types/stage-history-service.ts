import type { StageChange } from '../entities/entity-types.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import type { CountOptions, ListOptions, Page } from '../services/list-options.js'

/**
 * The append-only stage history of deals, leads, tickets and contact lifecycles: read-only queries.
 *
 * @example
 * ```ts
 * const rows = await crm.stageHistory.forRecord('deal', deal.id)
 * const longestInProposal = await crm.stageHistory.list({
 *   where: { and: [{ field: 'fromStageId', op: 'eq', value: proposalId }, { field: 'durationMs', op: 'gt', value: 7 * 86_400_000 }] },
 * })
 * ```
 */
export interface StageHistoryService {
  /** Every row of one record, oldest first. */
  forRecord(entityType: string, recordId: string): Promise<StageChange[]>
  /** Time spent per stage by one record, up to now (the CRM clock). */
  timeInStage(entityType: string, recordId: string): Promise<TimeInStage>
  /** One page of history rows across records (e.g. every move into a stage this month). */
  list(options?: ListOptions): Promise<Page<StageChange>>
  /**
   * Every matching history row, fetched page by page with the same keyset cursor as {@link StageHistoryService.list} (`limit` is the
   * page size, default 500), so memory stays bounded however long the history.
   *
   * @example
   * ```ts
   * for await (const row of crm.stageHistory.iterate({ where: { field: 'toStageId', op: 'eq', value: wonId } })) {
   *   wins.push(row.recordId)
   * }
   * ```
   */
  iterate(options?: Omit<ListOptions, 'cursor'>): AsyncGenerator<StageChange, void, undefined>
  /** How many history rows match. */
  count(options?: CountOptions): Promise<number>
}
