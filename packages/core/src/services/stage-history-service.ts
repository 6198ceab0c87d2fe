import type { Session } from '../crm/session.js'
import type { StageChange } from '../entities/entity-types.js'
import { RapportError } from '../errors/rapport-error.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import { summarizeTimeInStage } from '../pipeline/time-in-stage.js'
import type { EntityService } from '../types/entity-service.js'
import type { StageHistoryService } from '../types/stage-history-service.js'
import type { EntityBehaviour } from './entity-service.js'
import { EntityServiceImpl } from './entity-service.js'
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

/** The implementation of {@link StageHistoryService}. */
export class StageHistoryServiceImpl implements StageHistoryService {
  readonly #session: Session
  readonly #rows: EntityService<StageChange, Record<string, unknown>, Record<string, unknown>>

  /** @internal */
  constructor(session: Session) {
    this.#session = session
    this.#rows = new EntityServiceImpl(
      session,
      session.runtime.schema.entity('stageChange'),
      stageChangeBehaviour,
    )
  }

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

  async timeInStage(entityType: string, recordId: string): Promise<TimeInStage> {
    return summarizeTimeInStage(await this.forRecord(entityType, recordId), this.#session.runtime.clock())
  }

  list(options: ListOptions = {}): Promise<Page<StageChange>> {
    return this.#rows.list(options)
  }

  iterate(options: Omit<ListOptions, 'cursor'> = {}): AsyncGenerator<StageChange, void, undefined> {
    return this.#rows.iterate(options)
  }

  count(options: CountOptions = {}): Promise<number> {
    return this.#rows.count(options)
  }
}
