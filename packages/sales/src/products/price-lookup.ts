import type { Ratio } from '../money/decimal.js'
import { parseDecimal } from '../money/decimal.js'
import type { PriceBookKind } from './product-entities.js'
import { intersectPeriods, periodCovers, periodLength } from './validity-period.js'

/** The fields of a price book the lookup reads. */
export interface PriceBookView {
  readonly id: string
  readonly kind: PriceBookKind
  readonly currency: string
  readonly customerId?: string | null
  readonly segmentId?: string | null
  readonly validFrom?: string | null
  readonly validTo?: string | null
  readonly active: boolean
}

/** The fields of a price book entry the lookup reads. */
export interface PriceEntryView {
  readonly id: string
  readonly priceBookId: string
  readonly productId: string
  readonly unitPriceMinor: number
  readonly minQuantity: number
  readonly validFrom?: string | null
  readonly validTo?: string | null
  readonly active: boolean
}

/** A checked price question: one product, a quantity, a calendar date, a currency, and who is buying. */
export interface PriceQuestion {
  readonly productId: string
  readonly quantity: Ratio
  /** `YYYY-MM-DD`. */
  readonly date: string
  readonly currency: string
  readonly customerId?: string | undefined
  readonly segmentIds?: readonly string[] | undefined
}

/** The answer to a price lookup: the unit price and where it came from (quote lines keep a copy of it). */
export interface PriceAnswer {
  readonly productId: string
  readonly currency: string
  readonly unitPriceMinor: number
  /** Which kind of book won: `customer` before `segment` before `default`. */
  readonly source: PriceBookKind
  readonly priceBookId: string
  readonly priceBookEntryId: string
  /** The tier: the entry's minimum quantity. */
  readonly minQuantity: number
  /** The period the price holds in (the entry's within its book's); `null` is open-ended. */
  readonly validFrom: string | null
  readonly validTo: string | null
}

/** Kinds in precedence order: a customer's own list, then a segment's, then the default book. */
export const PRICE_PRECEDENCE: readonly PriceBookKind[] = ['customer', 'segment', 'default']

function compareRatio(a: Ratio, b: Ratio): number {
  const left = a.n * b.d
  const right = b.n * a.d
  return left === right ? 0 : left < right ? -1 : 1
}

/**
 * The one price for a question, or `undefined` when nothing applies. An entry applies when it and its book are
 * active, the book is in the currency and for this buyer (a `customer` book of `customerId`, a `segment` book of one
 * of `segmentIds`, or a `default` book), both validity periods include the date, and its `minQuantity` is at most the
 * quantity. Among the entries that apply, the winner is, in order:
 * 1. the book kind: customer, then segment, then default;
 * 2. the narrowest validity period (a dated promotion beats an open-ended list);
 * 3. the highest tier: the largest `minQuantity`;
 * 4. the lowest unit price (two segment lists of the same buyer);
 * 5. the smallest entry id, so the answer never depends on storage order.
 *
 * @example
 * ```ts
 * choosePrice(books, entries, { productId: 'prd_1', quantity: { n: 25n, d: 1n }, date: '2026-03-01', currency: 'EUR' })
 * // → { unitPriceMinor: 900, source: 'default', minQuantity: 20, … }
 * ```
 */
export function choosePrice(
  books: readonly PriceBookView[],
  entries: readonly PriceEntryView[],
  question: PriceQuestion,
): PriceAnswer | undefined {
  const segments = new Set(question.segmentIds ?? [])
  const eligible = new Map<string, PriceBookView>()
  for (const book of books) {
    if (!book.active || book.currency !== question.currency || !periodCovers(book, question.date)) continue
    const forBuyer =
      book.kind === 'default' ||
      (book.kind === 'customer' &&
        question.customerId !== undefined &&
        book.customerId === question.customerId) ||
      (book.kind === 'segment' && book.segmentId != null && segments.has(book.segmentId))
    if (forBuyer) eligible.set(book.id, book)
  }
  let best: { answer: PriceAnswer; rank: number; length: number; tier: Ratio } | undefined
  for (const entry of entries) {
    const book = eligible.get(entry.priceBookId)
    if (!book || !entry.active || entry.productId !== question.productId) continue
    if (!periodCovers(entry, question.date)) continue
    const tier = parseDecimal(entry.minQuantity, ['minQuantity'])
    if (compareRatio(tier, question.quantity) > 0) continue
    const period = intersectPeriods(book, entry)
    const candidate = {
      answer: {
        productId: entry.productId,
        currency: book.currency,
        unitPriceMinor: entry.unitPriceMinor,
        source: book.kind,
        priceBookId: book.id,
        priceBookEntryId: entry.id,
        minQuantity: entry.minQuantity,
        validFrom: period.validFrom,
        validTo: period.validTo,
      },
      rank: PRICE_PRECEDENCE.indexOf(book.kind),
      length: periodLength(period),
      tier,
    }
    if (!best || beats(candidate, best)) best = candidate
  }
  return best?.answer
}

function beats(
  a: { answer: PriceAnswer; rank: number; length: number; tier: Ratio },
  b: { answer: PriceAnswer; rank: number; length: number; tier: Ratio },
): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank
  if (a.length !== b.length) return a.length < b.length
  const tier = compareRatio(a.tier, b.tier)
  if (tier !== 0) return tier > 0
  if (a.answer.unitPriceMinor !== b.answer.unitPriceMinor)
    return a.answer.unitPriceMinor < b.answer.unitPriceMinor
  return a.answer.priceBookEntryId < b.answer.priceBookEntryId
}
