import type { PipelineInput } from '../entities/entity-types.js'

/**
 * The B2B sales pipeline: Prospecting 10, Qualification 20, Proposal 50 (needs amount and expected close date),
 * Negotiation 80, Won 100, Lost 0; `noSkip`, reopening allowed.
 *
 * @example
 * ```ts
 * const sales = await crm.pipelines.create(b2bPipelineTemplate({ isDefault: true }))
 * ```
 */
export function b2bPipelineTemplate(overrides: Partial<PipelineInput> = {}): PipelineInput {
  return {
    name: 'B2B sales',
    entityType: 'deal',
    policy: 'noSkip',
    allowReopen: true,
    stages: [
      { key: 'prospecting', name: 'Prospecting', probability: 10, forecastCategory: 'pipeline' },
      { key: 'qualification', name: 'Qualification', probability: 20, forecastCategory: 'pipeline' },
      {
        key: 'proposal',
        name: 'Proposal',
        probability: 50,
        forecastCategory: 'best_case',
        requiredFields: ['amount', 'expectedCloseDate'],
      },
      { key: 'negotiation', name: 'Negotiation', probability: 80, forecastCategory: 'commit' },
      { key: 'won', name: 'Won', kind: 'won', probability: 100, forecastCategory: 'closed' },
      { key: 'lost', name: 'Lost', kind: 'lost', probability: 0, forecastCategory: 'omitted' },
    ],
    ...overrides,
  }
}

/**
 * The HubSpot-style contact lifecycle: subscriber → lead → MQL → SQL → opportunity → customer → evangelist, with
 * `other` on the side; `forwardOnly`. Stage keys equal the values of `contact.lifecycleStage`; while a default
 * `contact` pipeline exists, contact updates that change `lifecycleStage` must follow it.
 */
export function contactLifecycleTemplate(overrides: Partial<PipelineInput> = {}): PipelineInput {
  return {
    name: 'Contact lifecycle',
    entityType: 'contact',
    isDefault: true,
    policy: 'forwardOnly',
    allowReopen: false,
    stages: [
      { key: 'subscriber', name: 'Subscriber', probability: 0 },
      { key: 'lead', name: 'Lead', probability: 0 },
      { key: 'mql', name: 'Marketing qualified lead', probability: 0 },
      { key: 'sql', name: 'Sales qualified lead', probability: 0 },
      { key: 'opportunity', name: 'Opportunity', probability: 0 },
      { key: 'customer', name: 'Customer', probability: 0 },
      { key: 'evangelist', name: 'Evangelist', probability: 0 },
      { key: 'other', name: 'Other', onHold: true, probability: 0 },
    ],
    ...overrides,
  }
}

/**
 * The lead status flow: new → contacted → qualified → converted | disqualified; `forwardOnly`. `converted` (a `won`
 * stage) is entered only by `crm.leads.convert`; `disqualified` (a `lost` stage) needs a `disqualifiedReason` and may
 * be reopened.
 */
export function leadStatusTemplate(overrides: Partial<PipelineInput> = {}): PipelineInput {
  return {
    name: 'Lead status',
    entityType: 'lead',
    isDefault: true,
    policy: 'forwardOnly',
    allowReopen: true,
    stages: [
      { key: 'new', name: 'New' },
      { key: 'contacted', name: 'Contacted' },
      { key: 'qualified', name: 'Qualified' },
      { key: 'converted', name: 'Converted', kind: 'won' },
      { key: 'disqualified', name: 'Disqualified', kind: 'lost' },
    ],
    ...overrides,
  }
}

/**
 * The ticket status flow: new → open → pending → resolved → closed, with reopen from resolved. `pending` is on hold
 * (it pauses the SLA resolution clock); `resolved` and `closed` are `won` stages; `closed` is final. `explicit`.
 */
export function ticketStatusTemplate(overrides: Partial<PipelineInput> = {}): PipelineInput {
  return {
    name: 'Support',
    entityType: 'ticket',
    isDefault: true,
    policy: 'explicit',
    allowReopen: true,
    stages: [
      { key: 'new', name: 'New' },
      { key: 'open', name: 'Open' },
      { key: 'pending', name: 'Pending', onHold: true },
      { key: 'resolved', name: 'Resolved', kind: 'won', forecastCategory: 'closed' },
      { key: 'closed', name: 'Closed', kind: 'won', forecastCategory: 'closed' },
    ],
    transitions: [
      { from: 'new', to: 'open' },
      { from: 'new', to: 'pending' },
      { from: 'new', to: 'resolved' },
      { from: 'open', to: 'pending' },
      { from: 'open', to: 'resolved' },
      { from: 'pending', to: 'open' },
      { from: 'pending', to: 'resolved' },
      { from: 'resolved', to: 'closed' },
      { from: 'resolved', to: 'open' },
    ],
    ...overrides,
  }
}

/** The default template of each staged entity type, used when a tenant has no default pipeline yet. */
export const defaultPipelineTemplates = {
  deal: b2bPipelineTemplate,
  lead: leadStatusTemplate,
  ticket: ticketStatusTemplate,
  contact: contactLifecycleTemplate,
} as const
