import { defineEntity, stagedFields } from '@rapport/core/entities'
import * as z from 'zod'
import { quotePipelineTemplate } from './quote-lifecycle.js'

const id = z.string().min(1).max(100)
const date = z.iso.date()
// Decimals stay strings or numbers here; their meaning (≥ 0, digits, range) is checked by calculateDocument, which
// answers with typed SALES_* errors (SALES_NEGATIVE_QUANTITY…) rather than a generic VALIDATION_FAILED.
const decimal = z.union([z.string().max(40), z.number()])
const minor = z.number()

const discountSchema = z.union([
  z.strictObject({ percent: decimal }),
  z.strictObject({ amountPerUnitMinor: minor }),
  z.strictObject({ amountMinor: minor }),
])

/** One line of a quote, as written: what was sold and at which price; amounts are computed by the server. */
export const quoteLineSchema = z.strictObject({
  /** `item` (default), `shipping` or `fee`. */
  kind: z.string().max(20).optional(),
  /** The catalogue product, when the line comes from one (`@rapport/sales/products`). */
  productId: id.nullable().optional(),
  sku: z.string().max(100).nullable().optional(),
  description: z.string().max(2000).nullable().optional(),
  /** How many units, a decimal (`"1.5"`). */
  quantity: decimal,
  /** The unit of measure; for a product line, the product's (filled in when absent). */
  unit: z.string().max(30).nullable().optional(),
  /**
   * The unit list price in minor units of the quote currency. A line naming a product may leave it out: the server
   * prices it from the price books (`lookupPrice`) and records where in `priceSource`.
   */
  unitPriceMinor: minor.optional(),
  /** Set by the server when it priced the line from a price book (see `LinePriceSource`); not writable. */
  priceSource: z
    .strictObject({
      priceBookId: id,
      priceBookEntryId: id,
      source: z.string().max(20),
      currency: z.string().max(10),
      date,
      minQuantity: z.number(),
      derivedFrom: z.strictObject({ priceBookId: id, unitPriceMinor: z.int() }).optional(),
    })
    .nullable()
    .optional(),
  /** Must equal the quote's currency when given. */
  currency: z.string().max(10).optional(),
  discount: z.union([discountSchema, z.array(discountSchema).max(10)]).optional(),
  /** Tax rate in percent (`"21"`); none means untaxed. */
  taxRate: decimal.optional(),
})

/** A quote line as written. */
export type QuoteLineInput = z.input<typeof quoteLineSchema>

/** Fields the server computes on every write; a write that sends any of them is refused. */
export const COMPUTED_QUOTE_FIELDS = [
  'revision',
  'grossMinor',
  'discountMinor',
  'discountBasisPoints',
  'subtotalMinor',
  'taxMinor',
  'totalMinor',
  'companyCurrency',
  'companyTotalMinor',
  'calculation',
] as const

/**
 * A quote: its parties and deal, currency and pricing options, its lines, and the totals the server computed from
 * them (`calculateDocument`). Its status is a stage of a `quote` pipeline (the staged machinery of core); revisions
 * link to the quote they supersede through `previousQuoteId`.
 */
export const quoteEntity = defineEntity({
  name: 'quote',
  idPrefix: 'quo',
  shape: {
    ...stagedFields,
    title: z.string().min(1).max(300),
    number: z.string().max(100).nullable().optional(),
    dealId: id.nullable().optional(),
    companyId: id.nullable().optional(),
    contactId: id.nullable().optional(),
    currency: z.string().max(10),
    pricesIncludeTax: z.boolean().default(false),
    taxRounding: z.enum(['perLine', 'global']).default('perLine'),
    roundingMode: z.string().max(30).nullable().optional(),
    headerDiscount: z
      .union([z.strictObject({ percent: decimal }), z.strictObject({ amountMinor: minor })])
      .nullable()
      .optional(),
    /** The exchange rate frozen on the quote: company-currency units per quote-currency unit. */
    fx: z
      .strictObject({ companyCurrency: z.string().max(10), rate: decimal })
      .nullable()
      .optional(),
    lines: z.array(quoteLineSchema).max(2000).default([]),
    /** The day the quote is drawn up and its catalogue prices are looked up on (default: the day it is created, UTC). */
    quoteDate: date.nullable().optional(),
    validUntil: date.nullable().optional(),
    /** The term of the contract accepting the quote creates (required to accept). */
    termStartDate: date.nullable().optional(),
    termEndDate: date.nullable().optional(),
    notes: z.string().max(10_000).nullable().optional(),
    /** Why the quote was rejected, expired or superseded. */
    closeReason: z.string().max(1000).nullable().optional(),
    /** The stage key, maintained by core; writing it moves the quote to that stage (a checked move). */
    status: z.string().max(50).nullable().optional(),
    /** The quote this revision supersedes. */
    previousQuoteId: id.nullable().optional(),
    /** 1 for a first quote, the previous revision's plus one after (computed). */
    revision: z.int().min(1).nullable().optional(),
    grossMinor: z.int().nullable().optional(),
    /** Line and header discounts together (computed). */
    discountMinor: z.int().nullable().optional(),
    /** The effective discount, `discountMinor / grossMinor` in basis points rounded up (computed; 1500 = 15 %). */
    discountBasisPoints: z.int().min(0).nullable().optional(),
    subtotalMinor: z.int().nullable().optional(),
    taxMinor: z.int().nullable().optional(),
    totalMinor: z.int().nullable().optional(),
    companyCurrency: z.string().max(10).nullable().optional(),
    companyTotalMinor: z.int().nullable().optional(),
    /** The full calculation (`CalculatedDocument`) of the lines as last written. */
    calculation: z.record(z.string(), z.unknown()).nullable().optional(),
  },
  references: {
    dealId: { model: 'deal', onDelete: 'restrict' },
    companyId: { model: 'company', onDelete: 'restrict' },
    contactId: { model: 'contact', onDelete: 'restrict' },
  },
  indexes: [
    { name: 'by_deal', fields: ['dealId'] },
    // A customer's quotes, newest first (the timeline's quote source).
    { name: 'by_company_created', fields: ['companyId', 'createdAt'] },
    { name: 'by_contact_created', fields: ['contactId', 'createdAt'] },
    { name: 'by_status_valid', fields: ['status', 'validUntil'] },
    { name: 'by_previous', fields: ['previousQuoteId'] },
  ],
  relations: {
    deal: { kind: 'belongsTo', model: 'deal', localKey: 'dealId' },
    // The customer, so filters (and a company's timeline) can reach a quote through its contact.
    contact: { kind: 'belongsTo', model: 'contact', localKey: 'contactId' },
    company: { kind: 'belongsTo', model: 'company', localKey: 'companyId' },
    revisions: { kind: 'hasMany', model: 'quote', foreignKey: 'previousQuoteId' },
  },
  searchFields: ['title', 'number'],
  staged: {
    statusField: 'status',
    // Writing the status is a move (the approvals plugin sends an approved quote by writing `status: 'sent'`).
    statusWrites: 'move',
    reasonField: 'closeReason',
    defaultPipeline: quotePipelineTemplate,
    events: ({ to }) => (to.key ? [to.key] : []),
  },
})
