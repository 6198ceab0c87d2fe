import { readFileSync } from 'node:fs'

/** One CDNOW order with line items. */
export interface CdnowOrder {
  /** The CDNOW sample id (1–2357). */
  readonly customer: number
  /** `YYYY-MM-DD`. */
  readonly date: string
  /** In cents; the sum of the lines. */
  readonly amountMinor: number
  readonly lines: readonly { readonly sku: string; readonly quantity: 1; readonly unitPriceMinor: number }[]
}

/** The CDs line items are drawn from: four genres of three titles. */
const GENRES = [
  ['JAZZ-1', 'JAZZ-2', 'JAZZ-3'],
  ['ROCK-1', 'ROCK-2', 'ROCK-3'],
  ['POP-1', 'POP-2', 'POP-3'],
  ['CLASSIC-1', 'CLASSIC-2', 'CLASSIC-3'],
] as const

/**
 * Reads the CDNOW sample subset (customers 1–200; columns master id, sample id, YYYYMMDD, number of CDs, dollars).
 * CDNOW records no titles, so the lines are made up deterministically: a customer mostly buys their genre (sample
 * id mod 4), one CD per line, the order's cents split over the lines with the remainder on the first. The order
 * totals are CDNOW's own.
 */
export function loadCdnowOrders(file: string | URL): CdnowOrder[] {
  const orders: CdnowOrder[] = []
  const seen = new Map<number, number>()
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim()
    if (!line) continue
    const [, id, ymd, cds, dollars] = line.split(/\s+/)
    const customer = Number(id)
    const nth = seen.get(customer) ?? 0
    seen.set(customer, nth + 1)
    const amountMinor = Math.round(Number(dollars) * 100)
    const count = Math.max(1, Math.min(3, Number(cds), amountMinor))
    const genre = GENRES[(customer + (nth % 3 === 2 ? 1 : 0)) % GENRES.length]!
    const base = Math.floor(amountMinor / count)
    const lines = Array.from({ length: count }, (_, i) => ({
      sku: genre[(nth + i) % genre.length]!,
      quantity: 1 as const,
      unitPriceMinor: base + (i === 0 ? amountMinor - base * count : 0),
    }))
    orders.push({
      customer,
      date: `${ymd!.slice(0, 4)}-${ymd!.slice(4, 6)}-${ymd!.slice(6, 8)}`,
      amountMinor,
      lines,
    })
  }
  return orders
}

/**
 * The `crm.orders.createMany` input of one CDNOW order for the contact that placed it (amounts in USD cents).
 *
 * @example
 * ```ts
 * await crm.orders.createMany(orders.map((o) => cdnowOrderInput(o, contactOf.get(o.customer)!)))
 * ```
 */
export function cdnowOrderInput(order: CdnowOrder, contactId: string) {
  return {
    customerType: 'contact' as const,
    customerId: contactId,
    occurredAt: new Date(`${order.date}T12:00:00.000Z`),
    amount: { amountMinor: order.amountMinor, currency: 'USD' },
    lines: order.lines.map((l) => ({
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: { amountMinor: l.unitPriceMinor, currency: 'USD' },
    })),
  }
}
