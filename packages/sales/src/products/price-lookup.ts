import type { Ratio } from '../money/decimal.js'
import { parseDecimal } from '../money/decimal.js'
import type { PriceFormula } from './price-formula.js'
import { applyPriceFormula } from './price-formula.js'
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
  /** A derived book's rule: prices of its base book through a formula (for products it has no entry of its own). */
  readonly priceRule?: PriceRule | null
}

/** A derived price book's rule: the book it derives from, and the formula. */
export interface PriceRule extends PriceFormula {
  readonly basePriceBookId: string
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
  /**
   * Set when the price came from a derived book's rule: the base book and its price the formula was applied to
   * (`priceBookEntryId` and `minQuantity` are then the base entry's).
   */
  readonly derivedFrom?: { readonly priceBookId: string; readonly unitPriceMinor: number }
}

/** Kinds in precedence order: a customer's own list, then a segment's, then the default book. */
export const PRICE_PRECEDENCE: readonly PriceBookKind[] = ['customer', 'segment', 'default']

/**
 * How many books one chain of derived books may span, the first included (a derived book of a derived book …): a
 * longer chain is refused when written and prices nothing if found.
 */
export const MAX_PRICE_RULE_DEPTH = 5

function compareRatio(a: Ratio, b: Ratio): number {
  const left = a.n * b.d
  const right = b.n * a.d
  return left === right ? 0 : left < right ? -1 : 1
}

interface Candidate {
  readonly answer: PriceAnswer
  readonly length: number
  readonly tier: Ratio
}

/** Within one book: the narrowest period, then the highest tier, then the lowest price, then the smallest entry id. */
function beatsInBook(a: Candidate, b: Candidate): boolean {
  if (a.length !== b.length) return a.length < b.length
  const tier = compareRatio(a.tier, b.tier)
  if (tier !== 0) return tier > 0
  if (a.answer.unitPriceMinor !== b.answer.unitPriceMinor)
    return a.answer.unitPriceMinor < b.answer.unitPriceMinor
  return a.answer.priceBookEntryId < b.answer.priceBookEntryId
}

interface Catalogue {
  readonly books: ReadonlyMap<string, PriceBookView>
  readonly entries: ReadonlyMap<string, readonly PriceEntryView[]>
  readonly question: PriceQuestion
}

/** A book can price the question at all: active, in the currency, valid on the date. */
function usable(book: PriceBookView | undefined, question: PriceQuestion): book is PriceBookView {
  return !!book && book.active && book.currency === question.currency && periodCovers(book, question.date)
}

/**
 * The price one book gives: its own best entry, else (for a derived book) its rule applied to its base book's price.
 * `seen` stops a cycle; {@link MAX_PRICE_RULE_DEPTH} stops a chain.
 */
function bookPrice(
  book: PriceBookView,
  catalogue: Catalogue,
  seen: readonly string[],
): Candidate | undefined {
  const { question } = catalogue
  let best: Candidate | undefined
  for (const entry of catalogue.entries.get(book.id) ?? []) {
    if (!entry.active || entry.productId !== question.productId) continue
    if (!periodCovers(entry, question.date)) continue
    const tier = parseDecimal(entry.minQuantity, ['minQuantity'])
    if (compareRatio(tier, question.quantity) > 0) continue
    const period = intersectPeriods(book, entry)
    const candidate: Candidate = {
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
      length: periodLength(period),
      tier,
    }
    if (!best || beatsInBook(candidate, best)) best = candidate
  }
  const rule = book.priceRule
  if (best || !rule || seen.length >= MAX_PRICE_RULE_DEPTH) return best
  const baseBook = catalogue.books.get(rule.basePriceBookId)
  if (!usable(baseBook, question) || seen.includes(baseBook.id)) return undefined
  const base = bookPrice(baseBook, catalogue, [...seen, baseBook.id])
  if (!base) return undefined
  const period = intersectPeriods(book, base.answer)
  return {
    answer: {
      ...base.answer,
      unitPriceMinor: applyPriceFormula(base.answer.unitPriceMinor, rule),
      source: book.kind,
      priceBookId: book.id,
      validFrom: period.validFrom,
      validTo: period.validTo,
      derivedFrom: {
        priceBookId: base.answer.priceBookId,
        unitPriceMinor: base.answer.unitPriceMinor,
      },
    },
    length: periodLength(period),
    tier: base.tier,
  }
}

/**
 * The one price for a question, or `undefined` when nothing applies. A book applies when it is active, in the
 * currency, valid on the date and for this buyer (a `customer` book of `customerId`, a `segment` book of one of
 * `segmentIds`, or a `default` book). A book's price is its own best entry (active, valid on the date, `minQuantity`
 * at most the quantity); a book with a `priceRule` and no such entry derives the price from its base book's (see
 * {@link applyPriceFormula}; the base book need not be for this buyer but must be active, in the currency and valid
 * on the date). Among the books' prices the winner is, in order:
 * 1. the book kind: customer, then segment, then default;
 * 2. the narrowest validity period (a dated promotion beats an open-ended list);
 * 3. the highest tier: the largest `minQuantity`;
 * 4. the lowest unit price (two segment lists of the same buyer);
 * 5. the smallest entry id, then the smallest book id, so the answer never depends on storage order.
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
  const byId = new Map(books.map((book) => [book.id, book]))
  const byBook = new Map<string, PriceEntryView[]>()
  for (const entry of entries) {
    const list = byBook.get(entry.priceBookId)
    if (list) list.push(entry)
    else byBook.set(entry.priceBookId, [entry])
  }
  const catalogue: Catalogue = { books: byId, entries: byBook, question }
  let best: (Candidate & { rank: number }) | undefined
  for (const book of books) {
    if (!usable(book, question)) continue
    const forBuyer =
      book.kind === 'default' ||
      (book.kind === 'customer' &&
        question.customerId !== undefined &&
        book.customerId === question.customerId) ||
      (book.kind === 'segment' && book.segmentId != null && segments.has(book.segmentId))
    if (!forBuyer) continue
    const price = bookPrice(book, catalogue, [book.id])
    if (!price) continue
    const candidate = { ...price, rank: PRICE_PRECEDENCE.indexOf(book.kind) }
    if (!best || beats(candidate, best)) best = candidate
  }
  return best?.answer
}

function beats(a: Candidate & { rank: number }, b: Candidate & { rank: number }): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank
  if (beatsInBook(a, b)) return true
  if (beatsInBook(b, a)) return false
  return a.answer.priceBookId < b.answer.priceBookId
}
