import type { dealEntity } from '../entities/deal.js'
import type {
  Contact,
  Deal,
  DealContact,
  EntityCreateInput,
  EntityUpdateInput,
  StageChange,
} from '../entities/entity-types.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import type { Page } from '../services/list-options.js'
import type { EntityService } from './entity-service.js'
import type { ChangePipelineOptions, MoveStageOptions } from './stage-move-options.js'

/** Options of {@link DealService.listStuck}. */
export interface StuckOptions {
  /** Open deals that entered their stage more than this many days ago (the CRM clock). */
  readonly days: number
  readonly pipelineId?: string
  readonly stageId?: string
  readonly limit?: number
  readonly cursor?: string | null
}

/** A contact on a deal, with their role. */
export interface DealContactEntry {
  readonly contact: Contact
  readonly role: string | null
  readonly isPrimary: boolean
}

/**
 * Deals moving through pipelines, plus the many-to-many link to contacts with a role (decision maker, champion, …).
 * Every stage change, through `moveStage` or a plain `update`, passes the pipeline's guards, appends a stage-history
 * row and emits `deal.stage_changed` (and `deal.won`, `deal.lost`, `deal.reopened`) after commit.
 *
 * @example
 * ```ts
 * const deal = await crm.deals.create({ name: 'Acme renewal', pipelineId, stageId, amount: { amountMinor: 1_200_000, currency: 'EUR' } })
 * await crm.deals.addContact(deal.id, ada.id, { role: 'champion', isPrimary: true })
 * const moved = await crm.deals.moveStage(deal.id, proposalId, { expectedVersion: deal.version, reason: 'Demo went well' })
 * const history = await crm.deals.stageHistory(deal.id)
 * ```
 */
export interface DealService
  extends EntityService<Deal, EntityCreateInput<typeof dealEntity>, EntityUpdateInput<typeof dealEntity>> {
  /**
   * Moves a deal to another stage of its pipeline, in one transaction: the pipeline's policy, the stage's required
   * fields, `lostReason` on lost stages and custom guards must pass, else `INVALID_TRANSITION` (details: `guard`,
   * `from`, `to`, `missingFields`) and nothing is written. Sets `closedAt` on won/lost, keeps the probability's
   * stage default/override/estimate apart, appends a history row and emits `deal.stage_changed`.
   */
  moveStage(id: string, stageId: string, options?: MoveStageOptions): Promise<Deal>
  /** Moves a deal to another pipeline; `stageMapping` maps its current stage to a stage of the target pipeline. */
  changePipeline(id: string, pipelineId: string, options: ChangePipelineOptions): Promise<Deal>
  /** The deal's stage history, oldest first. */
  stageHistory(id: string): Promise<StageChange[]>
  /** Time spent per stage, and how long the deal has been in its current stage ("stuck since"). */
  timeInStage(id: string): Promise<TimeInStage>
  /**
   * Open deals that have sat in their stage for more than `days` (oldest first), served by the
   * `(pipelineId, stageId, stageEnteredAt)` index.
   */
  listStuck(options: StuckOptions): Promise<Page<Deal>>
  /** Links a contact to a deal with a role; linking again updates the role. */
  addContact(
    dealId: string,
    contactId: string,
    options?: { role?: string | null; isPrimary?: boolean },
  ): Promise<DealContact>
  /** Removes a contact from a deal; `NOT_FOUND` when they were not linked. */
  removeContact(dealId: string, contactId: string): Promise<void>
  /** The contacts on a deal with their roles, primary contact first. */
  listContacts(dealId: string): Promise<DealContactEntry[]>
}
