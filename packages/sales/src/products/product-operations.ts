import type { CrmOperation } from '@rapport/core/plugin'
import { defineOperation } from '@rapport/core/plugin'
import * as z from 'zod'
import { productsService } from './products-service.js'

const id = z.string().min(1).max(100)

const priceAnswer = z.object({
  productId: z.string(),
  currency: z.string(),
  unitPriceMinor: z.int().describe('Unit price in minor units of the currency'),
  source: z.enum(['customer', 'segment', 'default']).describe('The kind of book the price came from'),
  priceBookId: z.string(),
  priceBookEntryId: z.string(),
  minQuantity: z.number().describe('The tier: the entry’s minimum quantity'),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  derivedFrom: z
    .object({ priceBookId: z.string(), unitPriceMinor: z.int() })
    .optional()
    .describe('For a derived book: the base book and the base price its rule was applied to'),
})

/**
 * The products API as operations for the outside faces (REST `POST /products/{id}/lookup-price`, MCP tool
 * `products_lookup_price`). It runs `crm.plugins.products.lookupPrice` on the caller's scoped services, so a product
 * or book outside the caller's access does not exist for it.
 */
export const productOperations: Readonly<Record<string, CrmOperation>> = {
  lookupPrice: defineOperation({
    description:
      'The unit price of a product for a quantity, buyer, date and currency: customer list, then segment list, then default book; narrowest period, highest tier, lowest price',
    effect: 'read',
    entity: 'product',
    record: true,
    input: z.strictObject({
      id: id.describe('The product'),
      quantity: z
        .union([z.string().max(40), z.number()])
        .describe('A decimal ≥ 0, e.g. "2.5"; it picks the tier'),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .describe('ISO 4217 code; only books in it apply'),
      date: z
        .union([z.iso.date(), z.iso.datetime({ offset: true })])
        .describe('The pricing day (YYYY-MM-DD) or an instant'),
      timeZone: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .describe('The time zone an instant is read in (default UTC)'),
      customerId: id.optional().describe('The buyer (company or contact): its own price list comes first'),
      segmentIds: z
        .array(id)
        .max(1000)
        .optional()
        .describe('The buyer’s segments: their price lists come next'),
    }),
    output: priceAnswer,
    run: ({ id: productId, ...input }, { crm }) => productsService(crm).lookupPrice({ productId, ...input }),
  }),
}
