import * as z from 'zod'
import type { Session } from '../crm/session.js'
import type { dealEntity } from '../entities/deal.js'
import type {
  Contact,
  Deal,
  DealContact,
  EntityCreateInput,
  EntityUpdateInput,
  StageChange,
} from '../entities/entity-types.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'
import { RapportError } from '../errors/rapport-error.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import { targetableBehaviour } from './core-behaviours.js'
import { EntityService } from './entity-service.js'
import type { Page } from './list-options.js'
import { failValidation, toIssues } from './record-validation.js'
import { StageHistoryService } from './stage-history-service.js'
import type { ChangePipelineOptions, MoveStageOptions } from './stage-moves.js'
import { changeRecordPipeline, moveRecordStage } from './stage-moves.js'
import { closingEvents, stagedBehaviour } from './staged-behaviour.js'

const contactRoleSchema = z
  .object({ role: z.string().max(100).nullable().optional(), isPrimary: z.boolean().optional() })
  .strict()

/** The deal pipeline machine: `lostReason` on lost stages, probability and forecast category from the stage. */
export const dealBehaviour = stagedBehaviour({
  entityType: 'deal',
  reasonField: 'lostReason',
  probability: true,
  events: closingEvents,
})

const stuckOptionsSchema = z
  .object({
    days: z.number().positive().max(36_500),
    pipelineId: z.string().min(1).max(100).optional(),
    stageId: z.string().min(1).max(100).optional(),
    limit: z.int().min(1).optional(),
    cursor: z.string().max(4096).nullable().optional(),
  })
  .strict()

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
export class DealService extends EntityService<
  Deal,
  EntityCreateInput<typeof dealEntity>,
  EntityUpdateInput<typeof dealEntity>
> {
  readonly #session: Session
  readonly #links: EntityService<DealContact, Record<string, unknown>, Record<string, unknown>>

  /** @internal */
  constructor(session: Session, entity: ResolvedEntity) {
    super(session, entity, targetableBehaviour('deal', dealBehaviour))
    this.#session = session
    this.#links = new EntityService(session, session.runtime.schema.entity('dealContact'))
  }

  /**
   * Moves a deal to another stage of its pipeline, in one transaction: the pipeline's policy, the stage's required
   * fields, `lostReason` on lost stages and custom guards must pass, else `INVALID_TRANSITION` (details: `guard`,
   * `from`, `to`, `missingFields`) and nothing is written. Sets `closedAt` on won/lost, keeps the probability's
   * stage default/override/estimate apart, appends a history row and emits `deal.stage_changed`.
   */
  async moveStage(id: string, stageId: string, options: MoveStageOptions = {}): Promise<Deal> {
    return (await moveRecordStage(this.#session, 'deal', id, stageId, options)) as unknown as Deal
  }

  /** Moves a deal to another pipeline; `stageMapping` maps its current stage to a stage of the target pipeline. */
  async changePipeline(id: string, pipelineId: string, options: ChangePipelineOptions): Promise<Deal> {
    return (await changeRecordPipeline(this.#session, 'deal', id, pipelineId, options)) as unknown as Deal
  }

  /** The deal's stage history, oldest first. */
  async stageHistory(id: string): Promise<StageChange[]> {
    await this.get(id)
    return new StageHistoryService(this.#session).forRecord('deal', id)
  }

  /** Time spent per stage, and how long the deal has been in its current stage ("stuck since"). */
  async timeInStage(id: string): Promise<TimeInStage> {
    await this.get(id)
    return new StageHistoryService(this.#session).timeInStage('deal', id)
  }

  /**
   * Open deals that have sat in their stage for more than `days` (oldest first), served by the
   * `(pipelineId, stageId, stageEnteredAt)` index.
   */
  async listStuck(options: StuckOptions): Promise<Page<Deal>> {
    const parsed = stuckOptionsSchema.safeParse(options)
    if (!parsed.success) failValidation('deal', toIssues(parsed.error, ['options']))
    const { days, pipelineId, stageId, limit, cursor } = parsed.data
    const before = new Date(this.#session.runtime.clock().getTime() - days * 86_400_000)
    return this.list({
      where: {
        and: [
          { field: 'stageEnteredAt', op: 'lt', value: before },
          { field: 'closedAt', op: 'isNull', value: true },
          ...(pipelineId ? [{ field: 'pipelineId', op: 'eq' as const, value: pipelineId }] : []),
          ...(stageId ? [{ field: 'stageId', op: 'eq' as const, value: stageId }] : []),
        ],
      },
      orderBy: [{ field: 'stageEnteredAt', direction: 'asc' }],
      ...(limit === undefined ? {} : { limit }),
      ...(cursor === undefined ? {} : { cursor }),
    })
  }

  /** Links a contact to a deal with a role; linking again updates the role. */
  async addContact(
    dealId: string,
    contactId: string,
    options: { role?: string | null; isPrimary?: boolean } = {},
  ): Promise<DealContact> {
    const parsed = contactRoleSchema.safeParse(options)
    if (!parsed.success) failValidation('dealContact', toIssues(parsed.error, ['options']))
    return this.#session.write(async (session) => {
      const services = session.runtime.servicesFor(session)
      await services.deals.get(dealId)
      await services.contacts.get(contactId)
      const links = new EntityService<DealContact, Record<string, unknown>, Record<string, unknown>>(
        session,
        session.runtime.schema.entity('dealContact'),
      )
      const existing = await links.list({
        where: {
          and: [
            { field: 'dealId', op: 'eq', value: dealId },
            { field: 'contactId', op: 'eq', value: contactId },
          ],
        },
        limit: 1,
      })
      const first = existing.items[0]
      if (first) return links.update(first.id, { ...parsed.data })
      return links.create({ dealId, contactId, ...parsed.data })
    })
  }

  /** Removes a contact from a deal; `NOT_FOUND` when they were not linked. */
  async removeContact(dealId: string, contactId: string): Promise<void> {
    await this.#session.write(async (session) => {
      const links = new EntityService<DealContact, Record<string, unknown>, Record<string, unknown>>(
        session,
        session.runtime.schema.entity('dealContact'),
      )
      const existing = await links.list({
        where: {
          and: [
            { field: 'dealId', op: 'eq', value: dealId },
            { field: 'contactId', op: 'eq', value: contactId },
          ],
        },
        limit: 1,
      })
      const first = existing.items[0]
      if (!first) {
        throw new RapportError('NOT_FOUND', `Contact "${contactId}" is not on deal "${dealId}"`, {
          details: { entity: 'dealContact', dealId, contactId },
        })
      }
      await links.delete(first.id)
    })
  }

  /** The contacts on a deal with their roles, primary contact first. */
  async listContacts(dealId: string): Promise<DealContactEntry[]> {
    await this.get(dealId)
    const links: DealContact[] = []
    for await (const link of this.#links.iterate({ where: { field: 'dealId', op: 'eq', value: dealId } }))
      links.push(link)
    if (links.length === 0) return []
    // Through the contacts service, so the caller's access scope and field rights apply to the related list too.
    const contacts = this.#session.runtime.servicesFor(this.#session).contacts
    const byId = new Map<string, Contact>()
    const ids = [...new Set(links.map((l) => l.contactId))]
    for (let i = 0; i < ids.length; i += 500) {
      for await (const contact of contacts.iterate({
        where: { field: 'id', op: 'in', value: ids.slice(i, i + 500) },
        includeArchived: true,
      }))
        byId.set(contact.id, contact)
    }
    return links
      .flatMap((link) => {
        const contact = byId.get(link.contactId)
        return contact ? [{ contact, role: link.role, isPrimary: link.isPrimary }] : []
      })
      .sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary))
  }
}
