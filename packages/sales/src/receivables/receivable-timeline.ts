import type { Filter } from '@rapport/core/filter'
import type { TimelineSource, TimelineSubject } from '@rapport/core/timeline'

// What contracts and payments add to the customer timeline (crm.timeline), declared through the plugin API.

/** The subject's own sales records: a contact's by `contactId`, a company's by `companyId`. @internal */
export function partyIs(subject: TimelineSubject): Filter {
  return { field: subject.type === 'contact' ? 'contactId' : 'companyId', op: 'eq', value: subject.id }
}

/**
 * The receivables' timeline sources: contracts (when drawn up) and payments (when recorded) of the subject's
 * contracts. Installments are a contract's plan, not events, so they stay on the contract.
 */
export const receivableTimelineSources: readonly TimelineSource[] = Object.freeze([
  { kind: 'contract', entity: 'contract', at: 'createdAt', where: partyIs },
  {
    kind: 'payment',
    entity: 'payment',
    at: 'createdAt',
    where: (subject: TimelineSubject): Filter => ({ exists: 'contract', where: partyIs(subject) }),
  },
])
