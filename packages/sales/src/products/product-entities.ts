import { customValuesSchema, defineEntity } from '@rapport/core/entities'
import * as z from 'zod'

const id = z.string().min(1).max(100)
const currency = z.string().regex(/^[A-Z]{3}$/)
const day = z.iso.date()

/**
 * A product of the catalogue: `code` is unique per tenant (the SKU a host's other systems know), `family` groups
 * products for reports and price rules, `unit` is the unit of measure quantities count in. An inactive product stays
 * on old documents but cannot be priced. Custom fields live in `custom`, like core's entities.
 */
export const productEntity = defineEntity({
  name: 'product',
  idPrefix: 'prd',
  shape: {
    code: z.string().trim().min(1).max(100),
    name: z.string().trim().min(1).max(300),
    family: z.string().max(100).nullable().optional(),
    unit: z.string().trim().min(1).max(30).default('each'),
    active: z.boolean().default(true),
    description: z.string().max(10_000).nullable().optional(),
    custom: customValuesSchema.default({}),
  },
  indexes: [
    { name: 'by_code', fields: ['code'], unique: true },
    { name: 'by_family', fields: ['family', 'name'] },
  ],
  searchFields: ['code', 'name', 'family'],
})

const minorDelta = z.int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER)

/**
 * A derived book's rule (`applyPriceFormula`): `basePriceBookId`, then an optional discount percentage (a decimal
 * string ≤ 100; negative is a markup), rounding to a multiple of `roundingMinor`, a surcharge, and margins over the
 * base price, all in minor units of the currency.
 */
export const priceRuleSchema = z.strictObject({
  basePriceBookId: id,
  discountPercent: z
    .string()
    .regex(/^-?\d{1,6}(\.\d{1,6})?$/, 'a decimal percentage such as "15" or "-7.5"')
    .refine((v) => Number(v) <= 100, 'at most 100')
    .nullable()
    .optional(),
  roundingMinor: z.int().min(1).max(1e12).nullable().optional(),
  surchargeMinor: minorDelta.nullable().optional(),
  minMarginMinor: minorDelta.nullable().optional(),
  maxMarginMinor: minorDelta.nullable().optional(),
})

/** Who a price book is for: everyone (`default`), one customer, or one segment. */
export const PRICE_BOOK_KINDS = ['default', 'customer', 'segment'] as const

/** One of {@link PRICE_BOOK_KINDS}. */
export type PriceBookKind = (typeof PRICE_BOOK_KINDS)[number]

/**
 * A price book: prices in one currency, valid from `validFrom` to `validTo` (inclusive `YYYY-MM-DD` dates; `null` is
 * open-ended). A `default` book prices everyone; a `customer` book (a price list) one company or contact
 * (`customerId`); a `segment` book the members of one segment (`segmentId`). Books of one kind, target and currency
 * never overlap in time, so on any date there is at most one default book per currency.
 */
export const priceBookEntity = defineEntity({
  name: 'priceBook',
  idPrefix: 'pbk',
  shape: {
    name: z.string().trim().min(1).max(200),
    kind: z.enum(PRICE_BOOK_KINDS).default('default'),
    currency,
    customerId: id.nullable().optional(),
    segmentId: id.nullable().optional(),
    validFrom: day.nullable().optional(),
    validTo: day.nullable().optional(),
    active: z.boolean().default(true),
    /**
     * Makes this a derived book (Odoo's formula price-list item): a product with no entry of its own here is priced
     * from the base book (same currency) through the formula. Checked when written (`SALES_INVALID_PRICE_RULE`).
     */
    priceRule: priceRuleSchema.nullable().optional(),
  },
  indexes: [
    { name: 'by_currency_kind', fields: ['currency', 'kind', 'active'] },
    { name: 'by_customer', fields: ['customerId', 'currency'] },
    { name: 'by_segment', fields: ['segmentId', 'currency'] },
  ],
  searchFields: ['name'],
})

/**
 * A price of one product in one book: `unitPriceMinor` (minor units of the book's currency) applies from
 * `minQuantity` units up, within the entry's own validity period (inclusive, `null` open-ended) and the book's. Tiers
 * are several entries with different `minQuantity`; entries of one book, product and `minQuantity` never overlap in
 * time.
 */
export const priceBookEntryEntity = defineEntity({
  name: 'priceBookEntry',
  idPrefix: 'pbe',
  shape: {
    priceBookId: id,
    productId: id,
    unitPriceMinor: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
    // A plain decimal (at most 6 places): tiers compare exactly with the quantity asked, never as floats.
    minQuantity: z
      .number()
      .min(0)
      .max(1e12)
      .refine((v) => /^\d{1,13}(\.\d{1,6})?$/.test(String(v)), 'at most 6 decimal places')
      .default(0),
    validFrom: day.nullable().optional(),
    validTo: day.nullable().optional(),
    active: z.boolean().default(true),
  },
  references: {
    priceBookId: { model: 'priceBook', onDelete: 'cascade' },
    productId: { model: 'product', onDelete: 'restrict' },
  },
  indexes: [{ name: 'by_product_book', fields: ['productId', 'priceBookId', 'minQuantity'] }],
  relations: {
    priceBook: { kind: 'belongsTo', model: 'priceBook', localKey: 'priceBookId' },
    product: { kind: 'belongsTo', model: 'product', localKey: 'productId' },
  },
})
