import type { StagedPipelineTemplate } from '@rapport/core/entities'

/**
 * The stage keys of a quote (issue 11 §2): draft → in review → sent → accepted, rejected or expired; any quote not
 * yet accepted may be superseded by a revision.
 */
export const QUOTE_STATUSES = [
  'draft',
  'in_review',
  'sent',
  'accepted',
  'rejected',
  'expired',
  'superseded',
] as const

/** One of {@link QUOTE_STATUSES}. */
export type QuoteStatus = (typeof QUOTE_STATUSES)[number]

/** Statuses in which a quote's prices, lines, currency and discounts may still change. */
export const EDITABLE_QUOTE_STATUSES: readonly QuoteStatus[] = ['draft']

/** Statuses a quote cannot leave: its record is read-only. */
export const FINAL_QUOTE_STATUSES: readonly QuoteStatus[] = ['accepted', 'rejected', 'expired', 'superseded']

/** Statuses from which {@link QUOTE_STATUSES | a revision} may be made (the old quote becomes `superseded`). */
export const REVISABLE_QUOTE_STATUSES: readonly QuoteStatus[] = [
  'draft',
  'in_review',
  'sent',
  'rejected',
  'expired',
]

/**
 * The quote pipeline a tenant gets on its first quote: `explicit` edges only, no reopening of closed quotes.
 * `accepted` needs the contract term (`termStartDate`, `termEndDate`), since accepting creates the contract; the
 * closing states other than `accepted` need a reason (`closeReason`, filled by `moveStage`'s reason).
 *
 * @example
 * ```ts
 * await crm.pipelines.create({ ...quotePipelineTemplate, name: 'Enterprise quotes', entityType: 'quote' })
 * ```
 */
export const quotePipelineTemplate: StagedPipelineTemplate = {
  name: 'Quotes',
  policy: 'explicit',
  allowReopen: false,
  stages: [
    { key: 'draft', name: 'Draft' },
    { key: 'in_review', name: 'In review' },
    { key: 'sent', name: 'Sent' },
    {
      key: 'accepted',
      name: 'Accepted',
      kind: 'won',
      probability: 100,
      forecastCategory: 'closed',
      requiredFields: ['termStartDate', 'termEndDate'],
    },
    { key: 'rejected', name: 'Rejected', kind: 'lost', forecastCategory: 'omitted' },
    { key: 'expired', name: 'Expired', kind: 'lost', forecastCategory: 'omitted' },
    { key: 'superseded', name: 'Superseded', kind: 'lost', forecastCategory: 'omitted' },
  ],
  transitions: [
    { from: 'draft', to: 'in_review' },
    { from: 'in_review', to: 'draft' },
    { from: 'in_review', to: 'sent' },
    { from: 'sent', to: 'accepted' },
    { from: 'sent', to: 'rejected' },
    { from: 'sent', to: 'expired' },
    ...REVISABLE_QUOTE_STATUSES.map((from) => ({ from, to: 'superseded' })),
  ],
}
