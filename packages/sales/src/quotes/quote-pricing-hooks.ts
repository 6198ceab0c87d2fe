import type { EntityHooks } from '@rapport/core/plugin'
import type { QuoteStatus } from './quote-lifecycle.js'
import { EDITABLE_QUOTE_STATUSES } from './quote-lifecycle.js'
import type { QuoteLinePricingOptions } from './quote-line-pricing.js'
import { priceQuoteLines, quoteDateOf } from './quote-line-pricing.js'

type Row = Record<string, unknown>

/** A write of these re-checks the lines against the catalogue (prices already set are kept, see priceQuoteLines). */
const REPRICE_ON = ['lines', 'currency', 'quoteDate'] as const

const linesOf = (quote: Readonly<Row>): Row[] =>
  Array.isArray(quote['lines']) ? (quote['lines'] as Row[]) : []

/**
 * Wraps the quote hooks so that catalogue pricing runs first: a new quote is dated (`quoteDate`) and its product
 * lines are checked and priced (`priceQuoteLines`) before the wrapped hook computes the totals from them; an update
 * of a draft's lines, currency or date re-checks its lines the same way. Updates of a quote that left draft go
 * straight to the wrapped hook, which refuses price changes there (`SALES_RECORD_LOCKED`).
 *
 * @example
 * ```ts
 * definePlugin({ id: 'quotes', hooks: withLinePricing(quoteHooks, { priceOverrides: 'forbid', catalogue: true }) })
 * ```
 */
export function withLinePricing(
  hooks: Readonly<Record<string, EntityHooks>>,
  pricing: QuoteLinePricingOptions & { readonly catalogue: boolean },
): Readonly<Record<string, EntityHooks>> {
  const quote = hooks['quote'] ?? {}
  const create = quote.create?.before
  const update = quote.update?.before
  return {
    ...hooks,
    quote: {
      ...quote,
      create: {
        ...quote.create,
        async before(data, ctx) {
          const previous = data['previousQuoteId']
          const stored = typeof previous === 'string' ? await ctx.crm.entity('quote').get(previous) : {}
          const dated: Row = { ...data, quoteDate: quoteDateOf(data, pricing) }
          const lines = await priceQuoteLines(dated, linesOf(stored), ctx, pricing)
          const priced = lines ? { ...dated, lines } : dated
          return create ? ((await create(priced, ctx)) ?? { data: priced }) : { data: priced }
        },
      },
      update: {
        ...quote.update,
        async before(patch, ctx) {
          const current = ctx.current
          const draft = EDITABLE_QUOTE_STATUSES.includes(current['status'] as QuoteStatus)
          if (!draft || !REPRICE_ON.some((field) => field in patch)) {
            return update ? update(patch, ctx) : undefined
          }
          const merged: Row = { ...current, ...patch }
          const lines = await priceQuoteLines(merged, linesOf(current), ctx, pricing)
          const priced = lines ? { ...patch, lines } : patch
          return update ? ((await update(priced, ctx)) ?? { data: priced }) : { data: priced }
        },
      },
    },
  }
}
