import type { CrmServices } from '@rapport/core'
import { SalesErrorCodes, salesError } from '../errors.js'
import { currencyExponent } from '../money/currency.js'
import type { DecimalInput } from '../money/decimal.js'
import { parseDecimal } from '../money/decimal.js'
import { asOfDate } from '../receivables/calendar-days.js'
import type { PriceAnswer, PriceBookView, PriceEntryView, PriceQuestion } from './price-lookup.js'
import { choosePrice, MAX_PRICE_RULE_DEPTH } from './price-lookup.js'
import { productError } from './product-errors.js'

/** What `lookupPrice` asks: a product, how many, on which date, in which currency, for whom. */
export interface PriceLookupInput {
  readonly productId: string
  /** A decimal ≥ 0 (`"2.5"`); it picks the tier. */
  readonly quantity: DecimalInput
  /** The pricing date: `YYYY-MM-DD`, or an instant read in `timeZone` (default UTC). */
  readonly date: string | Date
  readonly timeZone?: string
  /** ISO 4217; only books in this currency apply (no conversion). */
  readonly currency: string
  /** The buyer (a company or contact id): its own price lists come first. */
  readonly customerId?: string
  /** The buyer's segments: their price lists come next. */
  readonly segmentIds?: readonly string[]
}

const lookupKeys = new Set([
  'productId',
  'quantity',
  'date',
  'timeZone',
  'currency',
  'customerId',
  'segmentIds',
])

function badQuery(path: string, message: string): never {
  throw productError('SALES_INVALID_PRICE_QUERY', `${message} at ${path}`, { path: [path] })
}

const optionalId = (value: unknown, path: string): string | undefined => {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.length === 0 || value.length > 100) badQuery(path, 'Expected an id')
  return value
}

/** Checks a lookup before anything is read; every failure is a typed `SALES_*` error. */
export function parsePriceQuery(input: PriceLookupInput): PriceQuestion {
  if (typeof input !== 'object' || input === null) badQuery('query', 'Expected an object')
  for (const key of Object.keys(input)) if (!lookupKeys.has(key)) badQuery(key, 'Unknown field')
  const productId = optionalId(input.productId, 'productId') ?? badQuery('productId', 'Expected an id')
  const quantity = parseDecimal(input.quantity, ['quantity'])
  if (quantity.n < 0n) {
    throw salesError(SalesErrorCodes.NEGATIVE_QUANTITY, 'The quantity is negative', { path: ['quantity'] })
  }
  currencyExponent(String(input.currency))
  let date: string
  try {
    date = asOfDate(input.date, input.timeZone)
  } catch {
    badQuery('date', 'Expected a YYYY-MM-DD date or an instant')
  }
  const segmentIds = input.segmentIds
  if (segmentIds !== undefined) {
    if (!Array.isArray(segmentIds) || segmentIds.length > 1000)
      badQuery('segmentIds', 'Expected a list of ids')
    for (const [i, id] of segmentIds.entries()) optionalId(id, `segmentIds.${i}`)
  }
  return {
    productId,
    quantity,
    date,
    currency: String(input.currency),
    customerId: optionalId(input.customerId, 'customerId'),
    segmentIds,
  }
}

/**
 * Adds the base books derived books stand on (whoever they are for), as far as the caller can read them and at most
 * `MAX_PRICE_RULE_DEPTH` deep: `choosePrice` needs their entries to apply a rule.
 */
async function addBaseBooks(crm: CrmServices, books: PriceBookView[]): Promise<void> {
  const known = new Set(books.map((b) => b.id))
  let wave = books
  for (let depth = 1; depth < MAX_PRICE_RULE_DEPTH && wave.length > 0; depth++) {
    const wanted = [
      ...new Set(wave.flatMap((b) => (b.priceRule ? [b.priceRule.basePriceBookId] : []))),
    ].filter((id) => !known.has(id))
    const found: PriceBookView[] = []
    for (const id of wanted) {
      known.add(id)
      const base = await crm.entity('priceBook').find(id)
      if (base) found.push(base as unknown as PriceBookView)
    }
    books.push(...found)
    wave = found
  }
}

/**
 * The products API (`crm.plugins.products`): price lookups over the catalogue and price books, within the caller's
 * read scope (a product or book the caller cannot see does not exist for it).
 */
export function productsService(crm: CrmServices) {
  return {
    /**
     * The unit price of a product for a quantity, buyer, date and currency, with the book and entry it came from.
     * Precedence (see `choosePrice`): the customer's own list, then a segment list, then the default book; within
     * those the narrowest validity period, then the highest tier at most the quantity, then the lowest price. A
     * derived book (`priceRule`) prices products it has no entry for from its base book through its formula.
     *
     * @throws `SALES_INVALID_PRICE_QUERY`, `SALES_INVALID_DECIMAL`, `SALES_NEGATIVE_QUANTITY`,
     * `SALES_INVALID_CURRENCY` for a malformed question; `NOT_FOUND` for an unknown product;
     * `SALES_PRODUCT_INACTIVE`; `SALES_NO_PRICE` when no entry applies.
     */
    async lookupPrice(input: PriceLookupInput): Promise<PriceAnswer> {
      const question = parsePriceQuery(input)
      const product = await crm.entity('product').get(question.productId)
      if (product['active'] === false) {
        throw productError('SALES_PRODUCT_INACTIVE', `Product ${question.productId} is not active`, {
          productId: question.productId,
        })
      }
      const buyers: unknown[] = [{ field: 'kind', op: 'eq', value: 'default' }]
      if (question.customerId !== undefined) {
        buyers.push({
          and: [
            { field: 'kind', op: 'eq', value: 'customer' },
            { field: 'customerId', op: 'eq', value: question.customerId },
          ],
        })
      }
      if (question.segmentIds !== undefined && question.segmentIds.length > 0) {
        buyers.push({
          and: [
            { field: 'kind', op: 'eq', value: 'segment' },
            { field: 'segmentId', op: 'in', value: [...question.segmentIds] },
          ],
        })
      }
      const books: PriceBookView[] = []
      for await (const book of crm.entity('priceBook').iterate({
        where: {
          and: [
            { field: 'currency', op: 'eq', value: question.currency },
            { field: 'active', op: 'eq', value: true },
            { or: buyers },
          ],
        } as never,
      })) {
        books.push(book as unknown as PriceBookView)
      }
      await addBaseBooks(crm, books)
      const entries: PriceEntryView[] = []
      if (books.length > 0) {
        for await (const entry of crm.entity('priceBookEntry').iterate({
          where: {
            and: [
              { field: 'productId', op: 'eq', value: question.productId },
              { field: 'priceBookId', op: 'in', value: books.map((b) => b.id) },
              { field: 'active', op: 'eq', value: true },
            ],
          } as never,
        })) {
          entries.push(entry as unknown as PriceEntryView)
        }
      }
      const answer = choosePrice(books, entries, question)
      if (!answer) {
        throw productError(
          'SALES_NO_PRICE',
          `No price for product ${question.productId} in ${question.currency}`,
          {
            productId: question.productId,
            currency: question.currency,
            date: question.date,
            quantity: String(input.quantity),
            ...(question.customerId !== undefined ? { customerId: question.customerId } : {}),
          },
        )
      }
      return answer
    },
  }
}

/** The API of the products plugin. */
export type ProductsApi = ReturnType<typeof productsService>
