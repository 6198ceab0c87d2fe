import * as z from 'zod'
import { customValuesSchema, moneySchema, refIdSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'
import type { EntityCreateInput, EntityRecord } from './entity-types.js'

/** Who an order belongs to: a person (`contact`) or an account (`company`). */
export const orderCustomerTypes = ['contact', 'company'] as const

/**
 * Order statuses. Only `completed` orders count in customer summaries unless you ask for others: `pending` orders
 * have not happened yet, `canceled` never did and `refunded` were given back.
 */
export const orderStatuses = ['completed', 'pending', 'canceled', 'refunded'] as const

/**
 * One line of an order: what was bought (`productId`, a product id of `@rapport/sales` or of your catalog, and/or a
 * `sku`; at least one), how many, and the unit price in minor units. The order's `amount` must equal the sum of its
 * lines (`quantity × unitPrice`, all in the order's currency); core recomputes and refuses a mismatch instead of
 * trusting a client-sent total.
 */
export const orderLineSchema = z
  .object({
    productId: refIdSchema.optional(),
    sku: z.string().min(1).max(200).optional(),
    /** What the customer saw, e.g. the product name at the time of the order. */
    name: z.string().max(500).optional(),
    quantity: z.int().min(1).max(1_000_000),
    unitPrice: moneySchema,
  })
  .strict()
  .refine((line) => line.productId !== undefined || line.sku !== undefined, {
    message: 'A line names a productId or a sku',
    path: ['productId'],
  })

/** One line of an order (see {@link orderLineSchema}). */
export type OrderLine = z.infer<typeof orderLineSchema>

/**
 * The entity declaration of orders (transactions): who bought, when, how much, in which currency. Orders feed
 * customer analytics (RFM, BTYD lifetime value) through `crm.orders.customerSummaries()`, which aggregates inside
 * the database on SQL storage.
 *
 * `amount` is money in minor units (stored as the columns `amountMinor` and `amountCurrency`). `customerId` must name
 * an existing contact or company of the tenant (checked on every write); `externalId` (your shop's order number) is
 * unique per tenant when set.
 */
export const orderEntity = defineEntity({
  name: 'order',
  idPrefix: 'ord',
  table: 'orders',
  shape: {
    customerType: z.enum(orderCustomerTypes),
    customerId: refIdSchema,
    /** When the order happened (not when it was recorded). */
    occurredAt: z.date(),
    amount: moneySchema,
    status: z.enum(orderStatuses).default('completed'),
    /** The line items (cross-sell mining reads them); when present, `amount` must be their sum. */
    lines: z.array(orderLineSchema).max(1000).default([]),
    /** The order's id in the system it came from (shop, billing); unique per tenant when set. */
    externalId: z.string().min(1).max(200).nullable().optional(),
    custom: customValuesSchema.default({}),
  },
  indexes: [
    // The customer summaries scan reads every order of a tenant in this order; with the amount, status and archived
    // flag inside the index it never touches the table (1M orders: 1.4 s of CPU against 6.4 s with a look-up per row).
    {
      name: 'by_customer_occurred_amount',
      fields: ['customerType', 'customerId', 'occurredAt'],
      include: ['archivedAt', 'amountMinor', 'amountCurrency', 'status'],
      replaces: ['by_customer_occurred'],
    },
    { name: 'by_occurred', fields: ['occurredAt'] },
    { name: 'by_external_id', fields: ['externalId'], unique: true },
  ],
  relations: {
    contact: { kind: 'belongsTo', model: 'contact', localKey: 'customerId' },
    company: { kind: 'belongsTo', model: 'company', localKey: 'customerId' },
  },
})

/** An order (transaction) of a contact or company. */
export type Order = EntityRecord<typeof orderEntity>

/** Input of `crm.orders.create`. */
export type OrderInput = EntityCreateInput<typeof orderEntity>
