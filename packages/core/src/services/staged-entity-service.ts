import type { Session } from '../crm/session.js'
import type { StageChange } from '../entities/entity-types.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'
import type { StagedEntityDeclaration } from '../entities/staged-entity.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import type { ChangePipelineOptions, MoveStageOptions } from '../types/stage-move-options.js'
import type { StagedEntityService } from '../types/staged-entity-service.js'
import { EntityServiceImpl } from './entity-service.js'
import { StageHistoryServiceImpl } from './stage-history-service.js'
import { changeRecordPipeline, moveRecordStage } from './stage-moves.js'
import type { StagedEntityOptions } from './staged-behaviour.js'
import { closingEvents, stagedBehaviour, stageRef } from './staged-behaviour.js'

type Row = Record<string, unknown>

/**
 * The machine options of a plugin entity's `staged` declaration: the same behaviour deals, leads and tickets use.
 *
 * @internal
 */
export function stagedOptionsOf(name: string, declaration: StagedEntityDeclaration): StagedEntityOptions {
  const template = declaration.defaultPipeline
  const events = declaration.events
  return {
    entityType: name,
    reasonField: declaration.reasonField ?? null,
    ...(declaration.statusField ? { statusField: declaration.statusField } : {}),
    ...(declaration.statusWrites === 'move' ? { statusMoves: true } : {}),
    ...(template
      ? { defaultTemplate: (overrides) => ({ ...template, ...overrides, entityType: name }) }
      : {}),
    events: (transition) =>
      events && transition.from
        ? events({ from: stageRef(transition.from), to: stageRef(transition.to) })
        : closingEvents(transition),
  }
}

/** The implementation of {@link StagedEntityService}. */
export class StagedEntityServiceImpl<R>
  extends EntityServiceImpl<R, Row, Row>
  implements StagedEntityService<R>
{
  readonly #session: Session

  /** @internal */
  constructor(session: Session, entity: ResolvedEntity, declaration: StagedEntityDeclaration) {
    super(session, entity, stagedBehaviour(stagedOptionsOf(entity.name, declaration)))
    this.#session = session
  }

  async moveStage(id: string, stageId: string, options?: MoveStageOptions): Promise<R> {
    return (await moveRecordStage(this.#session, this.entityName, id, stageId, options)) as R
  }

  async changePipeline(id: string, pipelineId: string, options: ChangePipelineOptions): Promise<R> {
    return (await changeRecordPipeline(this.#session, this.entityName, id, pipelineId, options)) as R
  }

  async stageHistory(id: string): Promise<StageChange[]> {
    await this.get(id)
    return new StageHistoryServiceImpl(this.#session).forRecord(this.entityName, id)
  }

  async timeInStage(id: string): Promise<TimeInStage> {
    await this.get(id)
    return new StageHistoryServiceImpl(this.#session).timeInStage(this.entityName, id)
  }
}
