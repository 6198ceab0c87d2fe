import type { Filter } from '../filter/filter-types.js'
import type { TimelineParty } from './timeline-party.js'
import { partySource } from './timeline-party.js'
import type { TimelineSource } from './timeline-types.js'

// Core's own timeline sources, declared exactly as a plugin declares its own (CrmPlugin.timeline). Each names its
// customer through a TimelineParty, so a company's timeline is its own records plus its people's, for every kind.

/** Activities and tasks: linked through `recordLink` to contacts and companies. */
const linked: TimelineParty = { contact: { relation: 'contacts' }, company: { relation: 'companies' } }

/** Deals: a contact through its deal roles, a company by `companyId`. */
const dealParty: TimelineParty = { contact: { relation: 'contacts' }, company: { field: 'companyId' } }

/** Tickets: the requester, and the company by `companyId`. */
const ticketParty: TimelineParty = {
  contact: { field: 'requesterId', relation: 'requester' },
  company: { field: 'companyId' },
}

/**
 * Core's timeline sources: activities (calls, emails, meetings, notes, visits), tasks, deals, their stage moves,
 * tickets and orders.
 */
export const coreTimelineSources: readonly TimelineSource[] = Object.freeze([
  partySource({ kind: 'activity', entity: 'activity', at: 'occurredAt', party: linked }),
  partySource({ kind: 'task', entity: 'task', at: 'createdAt', party: linked }),
  partySource({ kind: 'deal', entity: 'deal', at: 'createdAt', party: dealParty }),
  partySource({
    kind: 'stageChange',
    entity: 'stageChange',
    at: 'at',
    party: dealParty,
    via: 'deal',
    and: { field: 'entityType', op: 'eq', value: 'deal' },
  }),
  partySource({ kind: 'ticket', entity: 'ticket', at: 'createdAt', party: ticketParty }),
  {
    // An order's customer is polymorphic (customerType + customerId), so its filter is written out; it follows the
    // same rule: a company's orders and its people's.
    kind: 'order',
    entity: 'order',
    at: 'occurredAt',
    where: (subject): Filter => {
      const of = (type: string, customer: Filter): Filter => ({
        and: [{ field: 'customerType', op: 'eq', value: type }, customer],
      })
      const id = (value: string): Filter => ({ field: 'customerId', op: 'eq', value })
      return subject.type === 'contact'
        ? of('contact', id(subject.id))
        : {
            or: [
              of('company', id(subject.id)),
              of('contact', {
                exists: 'contact',
                where: { field: 'companyId', op: 'eq', value: subject.id },
              }),
            ],
          }
    },
  },
] satisfies TimelineSource[])
