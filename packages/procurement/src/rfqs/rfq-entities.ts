import type { EntityRecord } from '@rapport/core/entities'
import { currencySchema, defineEntity, moneySchema } from '@rapport/core/entities'
import * as z from 'zod'

/** One line an RFQ asks prices for. */
export const rfqLineSchema = z.strictObject({
  /** The line's key, unique in the RFQ (e.g. the sales line's id or product code). */
  key: z.string().min(1).max(100),
  description: z.string().min(1).max(500),
  /** A whole, positive quantity in the line's unit. */
  quantity: z.int().min(1).max(1_000_000_000),
  unit: z.string().min(1).max(20).optional(),
  /** The supplier category the line belongs to (suppliers are invited by category). */
  category: z.string().min(1).max(100).optional(),
})

/** One priced line of a supplier quote. */
export const quoteLineSchema = z.strictObject({
  /** The RFQ line's key. */
  key: z.string().min(1).max(100),
  /** Unit price in minor units of the quote's currency. */
  unitPriceMinor: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  leadTimeDays: z.int().min(0).max(3650).optional(),
})

/** The states of an RFQ: open for quotes, awarded, or cancelled. */
export const rfqStatuses = ['open', 'awarded', 'cancelled'] as const

/**
 * A request for quotation (`crm.entity('rfq')`), sent to the invited suppliers for the lines of the sale that
 * triggered it (`sourceEntity` / `sourceId`: a deal, an order, a quote). The award is written back onto it.
 */
export const rfqEntity = defineEntity({
  name: 'rfq',
  idPrefix: 'rfq',
  shape: {
    title: z.string().min(1).max(300),
    sourceEntity: z.string().min(1).max(100),
    sourceId: z.string().min(1).max(100),
    currency: currencySchema,
    lines: z.array(rfqLineSchema).min(1).max(500),
    supplierIds: z.array(z.string().min(1).max(100)).min(1).max(100),
    status: z.enum(rfqStatuses).default('open'),
    awardedQuoteId: z.string().nullable().optional(),
    awardedSupplierId: z.string().nullable().optional(),
    awardedAt: z.date().nullable().optional(),
  },
  indexes: [{ name: 'by_source', fields: ['sourceEntity', 'sourceId'] }],
})

/** The states of a supplier quote. */
export const supplierQuoteStatuses = ['submitted', 'withdrawn', 'awarded', 'lost'] as const

/**
 * A supplier's answer to an RFQ (`crm.entity('supplierQuote')`): a unit price per RFQ line. `total` is computed by
 * the plugin from the lines and the RFQ's quantities on every write; a total sent by a client is never read.
 */
export const supplierQuoteEntity = defineEntity({
  name: 'supplierQuote',
  idPrefix: 'sq',
  shape: {
    rfqId: z.string().min(1).max(100),
    supplierId: z.string().min(1).max(100),
    currency: currencySchema,
    lines: z.array(quoteLineSchema).min(1).max(500),
    /** Computed by the plugin on every write (Σ unit price × the RFQ line's quantity). */
    total: moneySchema.nullable().optional(),
    status: z.enum(supplierQuoteStatuses).default('submitted'),
    submittedAt: z.date().nullable().optional(),
    validUntil: z.date().nullable().optional(),
  },
  references: {
    rfqId: { model: 'rfq', onDelete: 'restrict' },
    supplierId: { model: 'supplier', onDelete: 'restrict' },
  },
  indexes: [{ name: 'by_rfq', fields: ['rfqId', 'status'] }],
})

/** An RFQ line. */
export type RfqLine = z.infer<typeof rfqLineSchema>
/** A priced quote line. */
export type QuoteLine = z.infer<typeof quoteLineSchema>
/** An RFQ as stored. */
export type Rfq = EntityRecord<typeof rfqEntity>
/** A supplier quote as stored. */
export type SupplierQuote = EntityRecord<typeof supplierQuoteEntity>
