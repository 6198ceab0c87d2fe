import * as z from 'zod'
import type { Session } from '../crm/session.js'
import type { dealEntity } from '../entities/deal.js'
import type {
  Contact,
  Deal,
  DealContact,
  EntityCreateInput,
  EntityUpdateInput,
} from '../entities/entity-types.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'
import { RapportError } from '../errors/rapport-error.js'
import { dealBehaviour, targetableBehaviour } from './core-behaviours.js'
import { EntityService } from './entity-service.js'
import { failValidation, toIssues } from './record-validation.js'

const contactRoleSchema = z
  .object({ role: z.string().max(100).nullable().optional(), isPrimary: z.boolean().optional() })
  .strict()

/** A contact on a deal, with their role. */
export interface DealContactEntry {
  readonly contact: Contact
  readonly role: string | null
  readonly isPrimary: boolean
}

/**
 * Deals, plus the many-to-many link to contacts with a role (decision maker, champion, …).
 *
 * @example
 * ```ts
 * const deal = await crm.deals.create({ name: 'Acme renewal', pipelineId, stageId, amount: { amountMinor: 1_200_000, currency: 'EUR' } })
 * await crm.deals.addContact(deal.id, ada.id, { role: 'champion', isPrimary: true })
 * const people = await crm.deals.listContacts(deal.id)
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
    const links: DealContact[] = []
    for await (const link of this.#links.iterate({ where: { field: 'dealId', op: 'eq', value: dealId } }))
      links.push(link)
    if (links.length === 0) return []
    const session = this.#session
    const contactEntity = session.runtime.schema.entity('contact')
    const rows = await session.read((ops) =>
      ops.findByIds({
        model: contactEntity.model,
        tenantId: session.tenantId,
        schema: session.runtime.schema.storage,
        ids: links.map((l) => l.contactId),
      }),
    )
    const byId = new Map(
      rows.map((row) => [row['id'] as string, contactEntity.fromRow(row) as unknown as Contact]),
    )
    return links
      .flatMap((link) => {
        const contact = byId.get(link.contactId)
        return contact ? [{ contact, role: link.role, isPrimary: link.isPrimary }] : []
      })
      .sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary))
  }
}
