import type { CrmServices } from '@rapport/core'
import { SalesErrorCodes, salesError } from '../errors.js'
import { parseDecimal } from '../money/decimal.js'

type Row = Readonly<Record<string, unknown>>

/** One line a purchase RFQ asks prices for (the shape of `@rapport/procurement`'s `RfqLine`). */
export interface PurchaseLine {
  /** Unique in the RFQ: the line's SKU or product code, made unique with `#2`, `#3`. */
  readonly key: string
  readonly description: string
  /** A whole, positive quantity. */
  readonly quantity: number
  readonly unit?: string
  /** The product's family, which invites the suppliers of that category. */
  readonly category?: string
}

/**
 * The purchase lines of a sales quote, for buying to order (以销定采): `procurementPlugin({ linesOf: quoteRfqLines })`
 * then `crm.plugins.procurement.createFromQuote(quoteId)`. Item lines only (shipping and fees are not bought), in
 * order: key = SKU, else product code, else `line-<n>`, made unique; description as written (else the key);
 * quantity as quoted; unit; category = the product's family, read through the caller's services. Other entities give
 * `undefined`, so core orders keep procurement's default.
 *
 * @throws `SALES_INVALID_DOCUMENT` for a quote without item lines or with a quantity that is not a whole positive
 * number of units (`details.path`), before the RFQ is written.
 *
 * @example
 * ```ts
 * const crm = createCrm({
 *   storage,
 *   plugins: [productsPlugin(), receivablesPlugin(), quotesPlugin(), procurementPlugin({ linesOf: quoteRfqLines })] as const,
 * })
 * const rfq = await crm.plugins.procurement.createFromQuote(quote.id, { supplierIds: [a.id, b.id] })
 * ```
 */
export async function quoteRfqLines(
  record: Readonly<Record<string, unknown>>,
  entity: string,
  crm: CrmServices,
): Promise<PurchaseLine[] | undefined> {
  if (entity !== 'quote') return undefined
  const written = Array.isArray(record['lines']) ? (record['lines'] as Row[]) : []
  const seen = new Map<string, number>()
  const lines: PurchaseLine[] = []
  for (const [index, line] of written.entries()) {
    if ((line['kind'] ?? 'item') !== 'item') continue
    const quantity = parseDecimal(line['quantity'] as string, ['lines', index, 'quantity'])
    if (quantity.n <= 0n || quantity.n % quantity.d !== 0n || quantity.n / quantity.d > 1_000_000_000n) {
      throw salesError(
        SalesErrorCodes.INVALID_DOCUMENT,
        `Line ${index} asks for ${String(line['quantity'])} units; a purchase is for whole, positive quantities`,
        { path: ['lines', index, 'quantity'] },
      )
    }
    const productId = typeof line['productId'] === 'string' ? line['productId'] : undefined
    const product = productId ? await crm.entity('product').get(productId) : undefined
    const base = String(line['sku'] ?? product?.['code'] ?? `line-${index + 1}`).slice(0, 90)
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    const key = n === 1 ? base : `${base}#${n}`
    const unit = line['unit'] ?? product?.['unit']
    const family = product?.['family']
    lines.push({
      key,
      description: String(line['description'] ?? product?.['name'] ?? key).slice(0, 500) || key,
      quantity: Number(quantity.n / quantity.d),
      ...(typeof unit === 'string' ? { unit: unit.slice(0, 20) } : {}),
      ...(typeof family === 'string' && family.length > 0 ? { category: family } : {}),
    })
  }
  if (lines.length === 0) {
    throw salesError(SalesErrorCodes.INVALID_DOCUMENT, 'The quote has no item lines to buy', {
      path: ['lines'],
    })
  }
  return lines
}
