import type { CrmPlugin, CrmServices } from '@rapport/core'
import { definePlugin } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import type { CompareOptions, RankedQuote } from '../comparison/rank-quotes.js'
import { rankQuotes } from '../comparison/rank-quotes.js'
import { ProcurementErrorCodes, procurementError } from '../procurement-error.js'
import { procurementHooks } from '../rfqs/procurement-hooks.js'
import type { QuoteLine, Rfq, RfqLine, SupplierQuote } from '../rfqs/rfq-entities.js'
import { rfqEntity, supplierQuoteEntity } from '../rfqs/rfq-entities.js'
import { saleLines } from '../rfqs/sale-lines.js'
import type { Supplier } from '../suppliers/supplier-entity.js'
import { supplierEntity } from '../suppliers/supplier-entity.js'

/** Options of {@link procurementPlugin}. */
export interface ProcurementOptions {
  /** The clock of submissions, awards and quote validity (default `() => new Date()`). */
  readonly clock?: () => Date
  /**
   * Reads the lines of a sale when `createRfq` is given none, e.g. the lines of a sales quote (`quoteRfqLines` from
   * `@rapport/sales/quotes`). It gets the sale's record, its entity name and the caller's services inside the RFQ's
   * transaction (to read products, say); `undefined` falls back to core orders' lines. Without it, `lines` must be
   * given for anything but a core `order`.
   */
  readonly linesOf?: (
    record: Readonly<Record<string, unknown>>,
    entity: string,
    crm: CrmServices,
  ) => readonly RfqLine[] | undefined | Promise<readonly RfqLine[] | undefined>
  /**
   * The actor the service writes statuses and awards as (default `{ id: 'procurement' }`); anyone else changing them
   * gets `PROCUREMENT_STATUS_READ_ONLY`. With `@rapport/access`, declare it in the policy's `systemActors`.
   */
  readonly actor?: Actor
}

/** Services to act through (another tenant or actor: `crm.scoped(...)`); default the CRM's own. */
export interface ActingThrough {
  readonly crm?: CrmServices
}

/** What `createRfq` takes. */
export interface CreateRfqInput {
  /** The sale that triggers the purchase: any entity, e.g. `{ entity: 'deal', id }`. */
  readonly source: { readonly entity: string; readonly id: string }
  readonly title?: string
  /** ISO 4217; every quote must use it. */
  readonly currency: string
  /** The lines to price (default: `linesOf(source record)`). */
  readonly lines?: readonly RfqLine[]
  /** The suppliers invited; default every active supplier with a category of one of the lines. */
  readonly supplierIds?: readonly string[]
}

/** What `submitQuote` takes. */
export interface SubmitQuoteInput {
  readonly rfqId: string
  readonly supplierId: string
  readonly currency: string
  readonly lines: readonly QuoteLine[]
  readonly validUntil?: Date
}

/** What `createFromQuote` takes besides the quote. */
export interface CreateFromQuoteOptions extends ActingThrough {
  /** The suppliers invited; default every active supplier with a category of one of the lines. */
  readonly supplierIds?: readonly string[]
  /** The purchase currency; default the quote's. */
  readonly currency?: string
  readonly title?: string
}

/** The API of the plugin, as `crm.plugins.procurement`. */
export interface ProcurementApi {
  /**
   * Buys to order for a sales quote (`@rapport/sales/quotes`): an RFQ whose source is the quote, for its lines as
   * the `linesOf` option reads them (register `procurementPlugin({ linesOf: quoteRfqLines })`), in the quote's
   * currency unless told otherwise. The award is linked back to the quote through the RFQ's source:
   * `rfqsOf('quote', quoteId)`, and `procurement.awarded` carries it. A quote outside the caller's access is
   * `NOT_FOUND`.
   */
  createFromQuote(quoteId: string, options?: CreateFromQuoteOptions): Promise<Rfq>
  /** Creates an RFQ for the lines of a sale and emits `procurement.rfqSent` with the invited suppliers. */
  createRfq(input: CreateRfqInput, options?: ActingThrough): Promise<Rfq>
  /** Records a supplier's quote; its total is computed from its lines. */
  submitQuote(input: SubmitQuoteInput, options?: ActingThrough): Promise<SupplierQuote>
  /** Withdraws a quote; it no longer qualifies. */
  withdrawQuote(quoteId: string, options?: ActingThrough): Promise<SupplierQuote>
  /** The RFQ's quotes ranked best first (see `rankQuotes` for the formula). */
  compare(rfqId: string, options?: ActingThrough & Partial<CompareOptions>): Promise<RankedQuote[]>
  /**
   * Awards the RFQ to `quoteId`, or to the best-ranked qualified quote: the quote becomes `awarded`, the others
   * `lost`, the RFQ records the award and `procurement.awarded` carries the sale it was for.
   */
  award(
    rfqId: string,
    options?: ActingThrough & Partial<CompareOptions> & { readonly quoteId?: string },
  ): Promise<{ readonly rfq: Rfq; readonly quote: SupplierQuote }>
  /** Cancels an open RFQ. */
  cancel(rfqId: string, options?: ActingThrough): Promise<Rfq>
  /** The RFQs raised for a sale. */
  rfqsOf(entity: string, id: string, options?: ActingThrough): Promise<Rfq[]>
}

/**
 * Procurement to order (以销定采): suppliers with categories and ratings, RFQs sent to N suppliers for the lines of
 * the sale that triggered them, supplier quotes totalled on the server, a comparison (cheapest qualified quote,
 * optionally weighted by rating) and an award linked back to the sale.
 *
 * @example
 * ```ts
 * const crm = createCrm({ storage, plugins: [procurementPlugin()] as const })
 * const steel = await crm.entity('supplier').create({ name: 'Northern Steel', categories: ['steel'], rating: 4 })
 * const rfq = await crm.plugins.procurement.createRfq({
 *   source: { entity: 'deal', id: deal.id },
 *   currency: 'EUR',
 *   lines: [{ key: 'beam', description: 'I-beam 6 m', quantity: 40, category: 'steel' }],
 * })
 * await crm.plugins.procurement.submitQuote({
 *   rfqId: rfq.id, supplierId: steel.id, currency: 'EUR', lines: [{ key: 'beam', unitPriceMinor: 12_500 }],
 * })
 * const { quote } = await crm.plugins.procurement.award(rfq.id)
 * ```
 */
export function procurementPlugin(
  options: ProcurementOptions = {},
): CrmPlugin<'procurement', ProcurementApi> {
  const clock = options.clock ?? (() => new Date())
  const system: Actor = options.actor ?? { id: 'procurement' }
  return definePlugin({
    id: 'procurement',
    schema: { entities: [supplierEntity, rfqEntity, supplierQuoteEntity] },
    hooks: procurementHooks(clock, system),
    errorCodes: Object.fromEntries(
      Object.keys(ProcurementErrorCodes).map((code) => [code.replace(/^PROCUREMENT_/, ''), code]),
    ),
    api(ctx): ProcurementApi {
      const through = (o?: ActingThrough) => o?.crm ?? ctx.crm
      /** The caller's tenant, as the service's system actor: status and award writes. */
      const asService = (o?: ActingThrough) => ctx.scoped({ tenantId: through(o).tenantId, actor: system })
      const rank = async (tx: CrmServices, rfq: Rfq, o: Partial<CompareOptions> = {}) => {
        const quotes: SupplierQuote[] = []
        for await (const q of tx.entity<SupplierQuote>('supplierQuote').iterate({
          where: { field: 'rfqId', op: 'eq', value: rfq.id },
        })) {
          quotes.push(q)
        }
        const ratings = new Map<string, number>()
        for (const id of new Set(quotes.map((q) => q.supplierId))) {
          ratings.set(id, (await tx.entity<Supplier>('supplier').get(id)).rating)
        }
        const keys = new Set(rfq.lines.map((l) => l.key))
        const ranked = rankQuotes(
          quotes.map((q) => ({
            quoteId: q.id,
            supplierId: q.supplierId,
            totalMinor: q.total?.amountMinor ?? 0,
            rating: ratings.get(q.supplierId) ?? 0,
            submittedAt: q.submittedAt ?? q.createdAt,
            complete: q.lines.length === keys.size && q.lines.every((l) => keys.has(l.key)),
            status: q.status,
            validUntil: q.validUntil ?? null,
          })),
          { ...o, asOf: o.asOf ?? clock() },
        )
        return { ranked, quotes }
      }
      const api: ProcurementApi = {
        async createFromQuote(quoteId, o = {}) {
          const quote = await through(o).entity('quote').get(quoteId) // NOT_FOUND outside the caller's access
          if (!options.linesOf) {
            throw procurementError(
              'PROCUREMENT_INVALID_INPUT',
              'An RFQ from a quote reads its lines through the linesOf option (quoteRfqLines from @rapport/sales/quotes)',
              { quoteId },
            )
          }
          return api.createRfq(
            {
              source: { entity: 'quote', id: quoteId },
              currency: o.currency ?? String(quote['currency']),
              ...(o.title === undefined
                ? { title: `RFQ for quote ${String(quote['title'] ?? quoteId)}`.slice(0, 300) }
                : { title: o.title }),
              ...(o.supplierIds === undefined ? {} : { supplierIds: o.supplierIds }),
            },
            o,
          )
        },
        async createRfq(input, o) {
          const crm = through(o)
          return crm.transaction(async (tx) => {
            const record = await tx.entity(input.source.entity).get(input.source.id)
            const lines =
              input.lines ??
              (await options.linesOf?.(record, input.source.entity, tx)) ??
              saleLines(record, input.source.entity)
            if (!lines) {
              throw procurementError('PROCUREMENT_INVALID_INPUT', 'No lines given and no linesOf option', {})
            }
            let supplierIds = input.supplierIds
            if (!supplierIds) {
              const categories = [...new Set(lines.flatMap((l) => (l.category ? [l.category] : [])))]
              const found: string[] = []
              if (categories.length > 0) {
                for await (const s of tx.entity<Supplier>('supplier').iterate({
                  where: {
                    and: [
                      { field: 'active', op: 'eq', value: true },
                      { or: categories.map((c) => ({ field: 'categories', op: 'eq' as const, value: c })) },
                    ],
                  },
                  orderBy: [{ field: 'id', direction: 'asc' }],
                })) {
                  found.push(s.id)
                }
              }
              supplierIds = found
            }
            const rfq = await tx.entity<Rfq>('rfq').create({
              title: input.title ?? `RFQ for ${input.source.entity} ${input.source.id}`,
              sourceEntity: input.source.entity,
              sourceId: input.source.id,
              currency: input.currency,
              lines,
              supplierIds,
              status: 'open',
            })
            tx.emit('procurement.rfqSent', {
              rfqId: rfq.id,
              supplierIds: rfq.supplierIds,
              sourceEntity: rfq.sourceEntity,
              sourceId: rfq.sourceId,
              tenantId: tx.tenantId,
            })
            return rfq
          })
        },
        submitQuote(input, o) {
          return through(o)
            .entity<SupplierQuote>('supplierQuote')
            .create({ ...input, status: 'submitted' })
        },
        async withdrawQuote(quoteId, o) {
          await through(o).entity('supplierQuote').get(quoteId) // NOT_FOUND outside the caller's access
          return asService(o).transaction(async (tx) => {
            const quote = await tx.entity<SupplierQuote>('supplierQuote').get(quoteId)
            const rfq = await tx.entity<Rfq>('rfq').get(quote.rfqId)
            if (rfq.status !== 'open') {
              throw procurementError('PROCUREMENT_RFQ_CLOSED', `The RFQ is ${rfq.status}`, { rfqId: rfq.id })
            }
            return tx.entity<SupplierQuote>('supplierQuote').update(quoteId, { status: 'withdrawn' })
          })
        },
        async compare(rfqId, o) {
          const crm = through(o)
          return (await rank(crm, await crm.entity<Rfq>('rfq').get(rfqId), o)).ranked
        },
        async award(rfqId, o) {
          await through(o).entity('rfq').get(rfqId) // NOT_FOUND outside the caller's access
          return asService(o).transaction(async (tx) => {
            const rfq = await tx.entity<Rfq>('rfq').get(rfqId)
            if (rfq.status !== 'open') {
              throw procurementError('PROCUREMENT_RFQ_CLOSED', `The RFQ is ${rfq.status}`, { rfqId })
            }
            const { ranked, quotes } = await rank(tx, rfq, o)
            const chosen = o?.quoteId ? ranked.find((r) => r.quoteId === o.quoteId) : ranked[0]
            if (o?.quoteId && !chosen) await tx.entity('supplierQuote').get(o.quoteId)
            if (!chosen?.qualified) {
              throw o?.quoteId
                ? procurementError('PROCUREMENT_NOT_QUALIFIED', 'The quote is not qualified', {
                    quoteId: o.quoteId,
                    reasons: chosen?.reasons ?? ['otherRfq'],
                  })
                : procurementError('PROCUREMENT_NO_QUALIFIED_QUOTE', 'No quote of the RFQ is qualified', {
                    rfqId,
                  })
            }
            const awardedAt = clock()
            let quote: SupplierQuote | undefined
            for (const q of quotes) {
              if (q.id === chosen.quoteId) {
                quote = await tx.entity<SupplierQuote>('supplierQuote').update(q.id, { status: 'awarded' })
              } else if (q.status === 'submitted') {
                await tx.entity<SupplierQuote>('supplierQuote').update(q.id, { status: 'lost' })
              }
            }
            const awarded = await tx.entity<Rfq>('rfq').update(rfqId, {
              status: 'awarded',
              awardedQuoteId: chosen.quoteId,
              awardedSupplierId: chosen.supplierId,
              awardedAt,
            })
            tx.emit('procurement.awarded', {
              rfqId,
              quoteId: chosen.quoteId,
              supplierId: chosen.supplierId,
              total: quote?.total ?? null,
              sourceEntity: rfq.sourceEntity,
              sourceId: rfq.sourceId,
              tenantId: tx.tenantId,
            })
            return { rfq: awarded, quote: quote as SupplierQuote }
          })
        },
        async cancel(rfqId, o) {
          await through(o).entity('rfq').get(rfqId) // NOT_FOUND outside the caller's access
          return asService(o).transaction(async (tx) => {
            const rfq = await tx.entity<Rfq>('rfq').get(rfqId)
            if (rfq.status !== 'open') {
              throw procurementError('PROCUREMENT_RFQ_CLOSED', `The RFQ is ${rfq.status}`, { rfqId })
            }
            return tx.entity<Rfq>('rfq').update(rfqId, { status: 'cancelled' })
          })
        },
        async rfqsOf(entity, id, o) {
          const page = await through(o)
            .entity<Rfq>('rfq')
            .list({
              where: {
                and: [
                  { field: 'sourceEntity', op: 'eq', value: entity },
                  { field: 'sourceId', op: 'eq', value: id },
                ],
              },
              limit: 1000,
            })
          return page.items
        },
      }
      return api
    },
  })
}
