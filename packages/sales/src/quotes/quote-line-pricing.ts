import { isRapportError, RapportError } from '@rapport/core'
import type { HookContext } from '@rapport/core/plugin'
import { SalesErrorCodes, salesError } from '../errors.js'
import type { PriceAnswer } from '../products/price-lookup.js'
import { productsService } from '../products/products-service.js'
import { asOfDate } from '../receivables/calendar-days.js'

type Row = Readonly<Record<string, unknown>>

/** Whether a line naming a product may carry a unit price other than the catalogue's. */
export type PriceOverridePolicy = 'allow' | 'forbid'

/** How quote lines are checked against the catalogue and priced (options of `quotesPlugin`). */
export interface QuoteLinePricingOptions {
  /**
   * `allow` (default): a line's explicit `unitPriceMinor` is kept as given. `forbid`: a line naming a product must
   * carry the catalogue price; an explicit price that differs from `lookupPrice`'s is `SALES_PRICE_OVERRIDE_FORBIDDEN`.
   * Lines without a product (services written by hand, shipping, fees) are not affected.
   */
  readonly priceOverrides?: PriceOverridePolicy
  /** The clock that dates a new quote without a `quoteDate` (its UTC day); default `() => new Date()`. */
  readonly clock?: () => Date
}

/**
 * Where a line's price came from, stored on the line when the server priced it (`priceSource`); a copy of the
 * price book answer at the time of quoting, so later changes to the books do not move a quote's prices.
 */
export interface LinePriceSource {
  readonly priceBookId: string
  readonly priceBookEntryId: string
  /** The kind of book that won: `customer`, `segment` or `default`. */
  readonly source: string
  readonly currency: string
  /** The pricing day (the quote's `quoteDate`). */
  readonly date: string
  /** The tier: the entry's minimum quantity. */
  readonly minQuantity: number
  /** For a derived book: its base book and the base price. */
  readonly derivedFrom?: { readonly priceBookId: string; readonly unitPriceMinor: number }
}

function sourceOf(answer: PriceAnswer, date: string): LinePriceSource {
  return {
    priceBookId: answer.priceBookId,
    priceBookEntryId: answer.priceBookEntryId,
    source: answer.source,
    currency: answer.currency,
    date,
    minQuantity: answer.minQuantity,
    ...(answer.derivedFrom ? { derivedFrom: answer.derivedFrom } : {}),
  }
}

/** Key order does not matter (JSON columns may reorder), values do. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const ka = Object.keys(a).filter((k) => (a as Row)[k] !== undefined)
  const kb = Object.keys(b).filter((k) => (b as Row)[k] !== undefined)
  return ka.length === kb.length && ka.every((k) => sameValue((a as Row)[k], (b as Row)[k]))
}

/** A line carrying a price source is kept only when the same product, quantity, price and source are stored. */
function storedAlike(line: Row, stored: readonly Row[]): boolean {
  return stored.some(
    (other) =>
      other['productId'] === line['productId'] &&
      String(other['quantity']) === String(line['quantity']) &&
      other['unitPriceMinor'] === line['unitPriceMinor'] &&
      sameValue(other['priceSource'], line['priceSource']),
  )
}

/** Re-throws a typed lookup error with the line's path added, so a caller knows which line failed. */
function atLine(error: unknown, path: readonly (string | number)[]): never {
  if (!isRapportError(error)) throw error
  throw new RapportError(error.code, `${error.message} (at ${path.join('.')})`, {
    details: { ...(error.details as Record<string, unknown> | undefined), path },
  })
}

/** The day a new quote is dated: its own `quoteDate`, else the clock's UTC day. */
export function quoteDateOf(
  quote: Readonly<Record<string, unknown>>,
  options: QuoteLinePricingOptions,
): string {
  const given = quote['quoteDate']
  if (typeof given === 'string') return given
  return asOfDate((options.clock ?? (() => new Date()))(), 'UTC')
}

/**
 * Checks the lines of a quote being written against the catalogue and prices those that name a product without a
 * unit price, returning the lines to store. For every line with a `productId`:
 * - the product must be readable by the writer (`NOT_FOUND`) and active (`SALES_PRODUCT_INACTIVE`); a line `unit`
 *   must be the product's (`SALES_UNIT_MISMATCH`; absent, the product's unit is filled in, as are `sku` and
 *   `description` from its code and name); a line `currency` must be the quote's (`SALES_CURRENCY_MISMATCH`);
 * - no `unitPriceMinor`: it is `lookupPrice(product, quantity, customer = companyId else contactId, date =
 *   quoteDate, currency = the quote's)` and the answer is kept as `priceSource` (`SALES_NO_PRICE` when none applies);
 * - a `unitPriceMinor` with a `priceSource`: kept only if a stored line (the quote's own before this write, or the
 *   revised quote's) has the same product, quantity, price and source, else `SALES_READ_ONLY_FIELD`; a source in
 *   another currency than the quote's is `SALES_CURRENCY_MISMATCH` (omit the price to re-price the line);
 * - a `unitPriceMinor` alone is an override: kept, unless `priceOverrides: 'forbid'` and it differs from the
 *   catalogue price (`SALES_PRICE_OVERRIDE_FORBIDDEN`).
 *
 * Lines without a product must not send a `priceSource` either. Every error carries `details.path`, and as it is
 * thrown from a `before` hook, nothing is written.
 */
export async function priceQuoteLines(
  quote: Readonly<Record<string, unknown>>,
  stored: readonly Readonly<Record<string, unknown>>[],
  ctx: HookContext,
  options: QuoteLinePricingOptions & { readonly catalogue: boolean },
): Promise<Readonly<Record<string, unknown>>[] | undefined> {
  const lines = quote['lines']
  if (!Array.isArray(lines)) return undefined
  const currency = quote['currency']
  const date = quoteDateOf(quote, options)
  const customerId = (quote['companyId'] ?? quote['contactId'] ?? undefined) as string | undefined
  const priced: Row[] = []
  for (const [index, value] of lines.entries()) {
    const line = value as Row
    const path = ['lines', index]
    if (typeof line !== 'object' || line === null || line['productId'] == null) {
      if (typeof line === 'object' && line !== null && line['priceSource'] != null) {
        throw salesError(SalesErrorCodes.READ_ONLY_FIELD, `Line ${index} has no product to be priced from`, {
          fields: ['priceSource'],
          path: [...path, 'priceSource'],
        })
      }
      priced.push(line)
      continue
    }
    const productId = line['productId'] as string
    if (!options.catalogue) {
      throw salesError(
        SalesErrorCodes.INVALID_DOCUMENT,
        `Line ${index} names a product, but the products plugin is not registered (productsPlugin())`,
        { path: [...path, 'productId'] },
      )
    }
    const product = await ctx.crm
      .entity('product')
      .get(productId)
      .catch((error: unknown) => atLine(error, [...path, 'productId']))
    if (product['active'] === false) {
      throw salesError(
        SalesErrorCodes.PRODUCT_INACTIVE,
        `Product ${productId} is not active (line ${index})`,
        {
          productId,
          path: [...path, 'productId'],
        },
      )
    }
    if (line['unit'] != null && line['unit'] !== product['unit']) {
      throw salesError(
        SalesErrorCodes.UNIT_MISMATCH,
        `Line ${index} counts in ${String(line['unit'])}, product ${productId} in ${String(product['unit'])}`,
        { path: [...path, 'unit'], expected: product['unit'], actual: String(line['unit']).slice(0, 30) },
      )
    }
    if (line['currency'] != null && line['currency'] !== currency) {
      throw salesError(
        SalesErrorCodes.CURRENCY_MISMATCH,
        `Line ${index} is in ${String(line['currency'])}, not ${String(currency)}`,
        { path: [...path, 'currency'], expected: currency, actual: String(line['currency']).slice(0, 16) },
      )
    }
    const lookup = () =>
      productsService(ctx.crm)
        .lookupPrice({
          productId,
          quantity: line['quantity'] as string,
          date,
          currency: currency as string,
          ...(customerId ? { customerId } : {}),
        })
        .catch((error: unknown) => atLine(error, path))
    const filled: Record<string, unknown> = {
      ...line,
      unit: product['unit'],
      sku: line['sku'] ?? product['code'],
      description: line['description'] ?? product['name'],
    }
    if (line['unitPriceMinor'] == null) {
      const answer = await lookup()
      filled['unitPriceMinor'] = answer.unitPriceMinor
      filled['priceSource'] = sourceOf(answer, date)
    } else if (line['priceSource'] != null) {
      if (!storedAlike(line, stored)) {
        throw salesError(
          SalesErrorCodes.READ_ONLY_FIELD,
          `Line ${index}'s priceSource is set by the server; omit unitPriceMinor to price the line from the catalogue`,
          { fields: ['priceSource'], path: [...path, 'priceSource'] },
        )
      }
      const sourceCurrency = (line['priceSource'] as Row)['currency']
      if (sourceCurrency !== currency) {
        throw salesError(
          SalesErrorCodes.CURRENCY_MISMATCH,
          `Line ${index} was priced in ${String(sourceCurrency)}, the quote is in ${String(currency)}; omit unitPriceMinor to re-price it`,
          { path: [...path, 'unitPriceMinor'], expected: currency, actual: sourceCurrency },
        )
      }
    } else if (options.priceOverrides === 'forbid') {
      const answer = await lookup()
      if (answer.unitPriceMinor !== line['unitPriceMinor']) {
        throw salesError(
          SalesErrorCodes.PRICE_OVERRIDE_FORBIDDEN,
          `Line ${index} sets a price other than the catalogue's (${answer.unitPriceMinor})`,
          { path: [...path, 'unitPriceMinor'], catalogueMinor: answer.unitPriceMinor },
        )
      }
      filled['priceSource'] = sourceOf(answer, date)
    }
    priced.push(filled)
  }
  return priced
}
