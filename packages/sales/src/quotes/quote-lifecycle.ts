import type { StagedPipelineTemplate } from '@rapport/core/entities'
import { stagedLifecycle } from '../lifecycle/staged-lifecycle.js'

/**
 * The quote lifecycle (issue 11 §2), declared once: draft → in review → sent → accepted, rejected or expired; a quote
 * in review may go back to draft; any quote not yet accepted may be superseded by a revision. Accepted is won; the
 * other closing states are lost and need a reason (`closeReason`, filled by `moveStage`'s reason). A closed quote
 * moves on only along these edges (rejected or expired → superseded by a revision).
 */
export const quoteLifecycle = stagedLifecycle({
  name: 'Quotes',
  allowReopen: true,
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
  next: {
    draft: ['in_review', 'superseded'],
    in_review: ['draft', 'sent', 'superseded'],
    sent: ['accepted', 'rejected', 'expired', 'superseded'],
    accepted: [],
    rejected: ['superseded'],
    expired: ['superseded'],
    superseded: [],
  },
})

/** The stage keys of a quote, in order: the statuses of {@link quoteLifecycle}. */
export const QUOTE_STATUSES = quoteLifecycle.statuses

/** One of {@link QUOTE_STATUSES}. */
export type QuoteStatus = (typeof QUOTE_STATUSES)[number]

/** Statuses in which a quote's prices, lines, currency and discounts may still change. */
export const EDITABLE_QUOTE_STATUSES: readonly QuoteStatus[] = ['draft']

/** Statuses a quote cannot leave but by revision: the closing (won or lost) stages. Its record is read-only. */
export const FINAL_QUOTE_STATUSES: readonly QuoteStatus[] = quoteLifecycle.template.stages
  .filter((s) => s.kind === 'won' || s.kind === 'lost')
  .map((s) => s.key as QuoteStatus)

/** Statuses from which a revision may be made (the old quote becomes `superseded`): those with that edge. */
export const REVISABLE_QUOTE_STATUSES: readonly QuoteStatus[] = QUOTE_STATUSES.filter((s) =>
  quoteLifecycle.transitions[s].includes('superseded'),
)

/**
 * The quote pipeline a tenant gets on its first quote: `explicit` edges only, derived from {@link quoteLifecycle}.
 * `accepted` needs the contract term (`termStartDate`, `termEndDate`), since accepting creates the contract.
 *
 * @example
 * ```ts
 * await crm.pipelines.create({ ...quotePipelineTemplate, name: 'Enterprise quotes', entityType: 'quote' })
 * ```
 */
export const quotePipelineTemplate: StagedPipelineTemplate = quoteLifecycle.template
