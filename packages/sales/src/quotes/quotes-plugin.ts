import type { CrmPlugin } from '@rapport/core'
import { definePlugin, RapportError } from '@rapport/core'
import type { TransitionGuardPlugin } from '@rapport/core/pipeline'
import { partySource } from '@rapport/core/timeline'
import { salesParty } from '../receivables/receivable-timeline.js'
import { quoteEntity } from './quote-entity.js'
import { quoteHooks, quoteTransitionGuards } from './quote-hooks.js'
import type { QuoteLinePricingOptions } from './quote-line-pricing.js'
import { withLinePricing } from './quote-pricing-hooks.js'
import type { QuotesApi } from './quote-service.js'
import { quotesService } from './quote-service.js'

/**
 * Quotes as a core plugin: the `quote` entity on core's pipeline machine (a `staged` plugin entity: draft →
 * in_review → sent → accepted | rejected | expired, and superseded by a revision), the hooks that recompute every
 * total and lock what must not change, the guards of its pipeline, and `crm.plugins.quotes`. Accepting a quote
 * creates a contract, so `receivablesPlugin()` (which declares contracts) must be registered too.
 *
 * @example
 * ```ts
 * const crm = createCrm({ storage, plugins: [receivablesPlugin(), quotesPlugin()] as const })
 * const quote = await crm.plugins.quotes.create({
 *   title: 'Robots for Acme',
 *   currency: 'EUR',
 *   lines: [{ description: 'Robot', quantity: '3', unitPriceMinor: 10_000, discount: { percent: '10' }, taxRate: '20' }],
 * })
 * quote.totalMinor // 32400, computed by the server
 * await crm.plugins.quotes.submitForReview(quote.id)
 * await crm.plugins.quotes.send(quote.id)
 * const { contract } = await crm.plugins.quotes.accept(quote.id, { termStartDate: '2026-04-01', termEndDate: '2027-03-31' })
 * ```
 */
export function quotesPlugin(
  options: QuoteLinePricingOptions = {},
): CrmPlugin<'quotes', QuotesApi> & TransitionGuardPlugin {
  // Whether the catalogue is there is known once the plugins are assembled (init); the hooks read it when they run.
  const pricing = { ...options, catalogue: false }
  return {
    ...definePlugin({
      id: 'quotes',
      schema: { entities: [quoteEntity] },
      hooks: withLinePricing(quoteHooks, pricing),
      init: ({ schema }) => {
        pricing.catalogue = schema.models['product'] !== undefined
        if (!schema.models['contract']) {
          throw new RapportError(
            'PLUGIN_ERROR',
            'quotesPlugin() needs receivablesPlugin(): accepting a quote creates a contract',
            { details: { plugin: 'quotes', missing: 'contract' } },
          )
        }
      },
      api: ({ crm }) => quotesService(crm),
      expose: { entities: ['quote'] },
      // A customer's quotes appear on their timeline (crm.timeline.page), dated when drawn up; a company's
      // timeline also holds its people's.
      timeline: [partySource({ kind: 'quote', entity: 'quote', at: 'createdAt', party: salesParty })],
    }),
    transitionGuards: quoteTransitionGuards,
  }
}
