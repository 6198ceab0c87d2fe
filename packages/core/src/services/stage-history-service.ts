import type { Session } from '../crm/session.js'
import type { StageChange } from '../entities/entity-types.js'
import { RapportError } from '../errors/rapport-error.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import { summarizeTimeInStage } from '../pipeline/time-in-stage.js'
import type { EntityBehaviour } from './entity-service.js'
import { EntityService } from './entity-service.js'
import type { CountOptions, ListOptions, Page } from './list-options.js'

/**
 * Stage history rows are written only by core, in the transaction of the move; the generic entity API refuses to
 * create, change or delete them.
 *
 * @internal
 */
export const stageChangeBehaviour: EntityBehaviour = {
  async prepare() {
    throw new RapportError('FORBIDDEN', 'Stage history is append-only and written by core', {
      details: { entity: 'stageChange' },
    })
  },
  async beforeDelete() {
    throw new RapportError('FORBIDDEN', 'Stage history is append-only', {
      details: { entity: 'stageChange' },
    })
  },
}

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
export class StageHistoryService {
  readonly #session: Session
  readonly #rows: EntityService<StageChange, Record<string, unknown>, Record<string, unknown>>

  /** @internal */
  constructor(session: Session) {
    this.#session = session
    this.#rows = new EntityService(
      session,
      session.runtime.schema.entity('stageChange'),
      stageChangeBehaviour,
    )
  }

  /** Every row of one record, oldest first. */
  async forRecord(entityType: string, recordId: string): Promise<StageChange[]> {
    const rows: StageChange[] = []
    for await (const row of this.#rows.iterate({
      where: {
        and: [
          { field: 'entityType', op: 'eq', value: entityType },
          { field: 'recordId', op: 'eq', value: recordId },
        ],
      },
      orderBy: [{ field: 'at' }, { field: 'id' }],
    })) {
      rows.push(row)
    }
    return rows
  }

  /** Time spent per stage by one record, up to now (the CRM clock). */
  async timeInStage(entityType: string, recordId: string): Promise<TimeInStage> {
    return summarizeTimeInStage(await this.forRecord(entityType, recordId), this.#session.runtime.clock())
  }

  /** One page of history rows across records (e.g. every move into a stage this month). */
  list(options: ListOptions = {}): Promise<Page<StageChange>> {
    return this.#rows.list(options)
  }

  /**
   * Every matching history row, fetched page by page with the same keyset cursor as {@link list} (`limit` is the
   * page size, default 500), so memory stays bounded however long the history.
   *
   * @example
   * ```ts
   * for await (const row of crm.stageHistory.iterate({ where: { field: 'toStageId', op: 'eq', value: wonId } })) {
   *   wins.push(row.recordId)
   * }
   * ```
   */
  iterate(options: Omit<ListOptions, 'cursor'> = {}): AsyncGenerator<StageChange, void, undefined> {
    return this.#rows.iterate(options)
  }

  /** How many history rows match. */
  count(options: CountOptions = {}): Promise<number> {
    return this.#rows.count(options)
  }
}
