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
import type { DealContactEntry, DealService, StuckOptions } from '../types/deal-service.js'
import type { EntityService } from '../types/entity-service.js'
import type { ChangePipelineOptions, MoveStageOptions } from '../types/stage-move-options.js'
import { targetableBehaviour } from './core-behaviours.js'
import { EntityServiceImpl } from './entity-service.js'
import type { Page } from './list-options.js'
import { failValidation, toIssues } from './record-validation.js'
import { StageHistoryServiceImpl } from './stage-history-service.js'
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

/** The implementation of {@link DealService}. */
export class DealServiceImpl
  extends EntityServiceImpl<Deal, EntityCreateInput<typeof dealEntity>, EntityUpdateInput<typeof dealEntity>>
  implements DealService
{
  readonly #session: Session
  readonly #links: EntityService<DealContact, Record<string, unknown>, Record<string, unknown>>

  /** @internal */
  constructor(session: Session, entity: ResolvedEntity) {
    super(session, entity, targetableBehaviour('deal', dealBehaviour))
    this.#session = session
    this.#links = new EntityServiceImpl(session, session.runtime.schema.entity('dealContact'))
  }

  async moveStage(id: string, stageId: string, options: MoveStageOptions = {}): Promise<Deal> {
    return (await moveRecordStage(this.#session, 'deal', id, stageId, options)) as unknown as Deal
  }

  async changePipeline(id: string, pipelineId: string, options: ChangePipelineOptions): Promise<Deal> {
    return (await changeRecordPipeline(this.#session, 'deal', id, pipelineId, options)) as unknown as Deal
  }

  async stageHistory(id: string): Promise<StageChange[]> {
    await this.get(id)
    return new StageHistoryServiceImpl(this.#session).forRecord('deal', id)
  }

  async timeInStage(id: string): Promise<TimeInStage> {
    await this.get(id)
    return new StageHistoryServiceImpl(this.#session).timeInStage('deal', id)
  }

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
      const links = new EntityServiceImpl<DealContact, Record<string, unknown>, Record<string, unknown>>(
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

  async removeContact(dealId: string, contactId: string): Promise<void> {
    await this.#session.write(async (session) => {
      const links = new EntityServiceImpl<DealContact, Record<string, unknown>, Record<string, unknown>>(
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
