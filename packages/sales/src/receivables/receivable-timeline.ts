import type { TimelineParty, TimelineSource } from '@rapport/core/timeline'
import { partySource } from '@rapport/core/timeline'

// What contracts, payments and quotes add to the customer timeline (crm.timeline), declared through the plugin API.

/**
 * How a contract or a quote names its customer: `contactId` (the `contact` relation) and `companyId`. A company's
 * timeline therefore holds its own contracts and quotes and its people's. @internal
 */
export const salesParty: TimelineParty = {
  contact: { field: 'contactId', relation: 'contact' },
  company: { field: 'companyId' },
}

/**
 * The receivables' timeline sources: contracts (when drawn up) and payments (when recorded) of the subject's
 * contracts. Installments are a contract's plan, not events, so they stay on the contract.
 */
export const receivableTimelineSources: readonly TimelineSource[] = Object.freeze([
  partySource({ kind: 'contract', entity: 'contract', at: 'createdAt', party: salesParty }),
  partySource({ kind: 'payment', entity: 'payment', at: 'createdAt', party: salesParty, via: 'contract' }),
])
