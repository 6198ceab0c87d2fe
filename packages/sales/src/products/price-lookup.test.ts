import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseDecimal } from '../money/decimal.js'
import type { PriceBookView, PriceEntryView, PriceQuestion } from './price-lookup.js'
import { choosePrice } from './price-lookup.js'
import { periodCovers, periodLength, periodsOverlap } from './validity-period.js'

const book = (id: string, over: Partial<PriceBookView> = {}): PriceBookView => ({
  id,
  kind: 'default',
  currency: 'EUR',
  active: true,
  ...over,
})
const entry = (
  id: string,
  priceBookId: string,
  unitPriceMinor: number,
  over: Partial<PriceEntryView> = {},
): PriceEntryView => ({
  id,
  priceBookId,
  productId: 'prd_1',
  unitPriceMinor,
  minQuantity: 0,
  active: true,
  ...over,
})
const ask = (quantity: string, over: Partial<Omit<PriceQuestion, 'quantity'>> = {}): PriceQuestion => ({
  productId: 'prd_1',
  date: '2026-03-01',
  currency: 'EUR',
  ...over,
  quantity: parseDecimal(quantity, ['quantity']),
})

describe('choosePrice: the one documented answer', () => {
  const books = [
    book('pbk_default'),
    book('pbk_vip', { kind: 'segment', segmentId: 'seg_vip' }),
    book('pbk_acme', { kind: 'customer', customerId: 'com_acme' }),
    book('pbk_usd', { currency: 'USD' }),
    book('pbk_spring', {
      kind: 'segment',
      segmentId: 'seg_spring',
      validFrom: '2026-03-01',
      validTo: '2026-03-31',
    }),
  ]
  const entries = [
    entry('pbe_1', 'pbk_default', 1000),
    entry('pbe_2', 'pbk_default', 900, { minQuantity: 10 }),
    entry('pbe_3', 'pbk_default', 800, { minQuantity: 100 }),
    entry('pbe_4', 'pbk_vip', 950),
    entry('pbe_5', 'pbk_acme', 990),
    entry('pbe_6', 'pbk_usd', 1),
    entry('pbe_7', 'pbk_spring', 700),
    entry('pbe_8', 'pbk_default', 600, { minQuantity: 1000, validFrom: '2026-03-01', validTo: '2026-03-31' }),
  ]

  it('customer list before segment list before default book', () => {
    const all = { customerId: 'com_acme', segmentIds: ['seg_vip'] }
    expect(choosePrice(books, entries, ask('1', all))?.priceBookEntryId).toBe('pbe_5')
    expect(choosePrice(books, entries, ask('1', { segmentIds: ['seg_vip'] }))?.source).toBe('segment')
    expect(choosePrice(books, entries, ask('1', { customerId: 'com_other' }))?.source).toBe('default')
  })

  it('the narrowest valid period first, then the highest tier at most the quantity', () => {
    // A buyer in two segments in March: the March-only spring list beats the open-ended VIP list.
    const both = { segmentIds: ['seg_vip', 'seg_spring'] }
    expect(choosePrice(books, entries, ask('150', both))?.unitPriceMinor).toBe(700)
    expect(choosePrice(books, entries, ask('150', { ...both, date: '2026-04-01' }))?.unitPriceMinor).toBe(950)
    // In the default book in March, the dated 1000+ tier beats the open-ended 100+ tier from 1000 units up.
    expect(choosePrice(books, entries, ask('999'))?.unitPriceMinor).toBe(800)
    expect(choosePrice(books, entries, ask('1000'))?.unitPriceMinor).toBe(600)
    const april = { date: '2026-04-01' }
    expect(choosePrice(books, entries, ask('9.99', april))?.unitPriceMinor).toBe(1000)
    expect(choosePrice(books, entries, ask('10', april))?.unitPriceMinor).toBe(900)
    expect(choosePrice(books, entries, ask('100', april))?.unitPriceMinor).toBe(800)
    expect(choosePrice(books, entries, ask('100', april))).toMatchObject({
      minQuantity: 100,
      validFrom: null,
    })
  })

  it('a book period bounds its entries, and the answer reports the period the price holds in', () => {
    const dated = [book('pbk_2026', { validFrom: '2026-01-01', validTo: '2026-12-31' })]
    const e = [entry('pbe_a', 'pbk_2026', 500, { validFrom: '2026-06-01' })]
    expect(choosePrice(dated, e, ask('1', { date: '2026-05-31' }))).toBeUndefined()
    expect(choosePrice(dated, e, ask('1', { date: '2026-06-01' }))).toMatchObject({
      validFrom: '2026-06-01',
      validTo: '2026-12-31',
    })
    expect(choosePrice(dated, e, ask('1', { date: '2027-01-01' }))).toBeUndefined()
  })

  it('nothing from inactive books or entries, other currencies, other products or tiers above the quantity', () => {
    expect(choosePrice([book('b', { active: false })], [entry('e', 'b', 1)], ask('1'))).toBeUndefined()
    expect(choosePrice([book('b')], [entry('e', 'b', 1, { active: false })], ask('1'))).toBeUndefined()
    expect(choosePrice([book('b', { currency: 'USD' })], [entry('e', 'b', 1)], ask('1'))).toBeUndefined()
    expect(choosePrice([book('b')], [entry('e', 'b', 1, { productId: 'prd_2' })], ask('1'))).toBeUndefined()
    expect(choosePrice([book('b')], [entry('e', 'b', 1, { minQuantity: 2 })], ask('1.5'))).toBeUndefined()
  })

  it('ties between two segment lists go to the lower price, then the smaller entry id', () => {
    const two = [
      book('s1', { kind: 'segment', segmentId: 'a' }),
      book('s2', { kind: 'segment', segmentId: 'b' }),
    ]
    const q = ask('1', { segmentIds: ['a', 'b'] })
    expect(choosePrice(two, [entry('e2', 's1', 700), entry('e1', 's2', 600)], q)?.priceBookEntryId).toBe('e1')
    expect(choosePrice(two, [entry('e2', 's1', 600), entry('e1', 's2', 600)], q)?.priceBookEntryId).toBe('e1')
  })
})

const day = fc
  .integer({ min: 0, max: 60 })
  .map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10))
// Valid periods only: one ending before it starts is refused when written (SALES_INVALID_PERIOD).
const period = fc
  .record({ validFrom: fc.option(day, { nil: null }), validTo: fc.option(day, { nil: null }) })
  .map((p) =>
    p.validFrom && p.validTo && p.validTo < p.validFrom ? { validFrom: p.validTo, validTo: p.validFrom } : p,
  )
const arbBooks = fc.uniqueArray(
  fc.record({
    id: fc.constantFrom('b1', 'b2', 'b3', 'b4', 'b5'),
    kind: fc.constantFrom('default', 'customer', 'segment') as fc.Arbitrary<PriceBookView['kind']>,
    currency: fc.constantFrom('EUR', 'USD'),
    customerId: fc.constantFrom('c1', 'c2'),
    segmentId: fc.constantFrom('s1', 's2'),
    active: fc.boolean(),
    period,
  }),
  { selector: (b) => b.id, maxLength: 5 },
)
const arbEntries = fc.array(
  fc.record({
    priceBookId: fc.constantFrom('b1', 'b2', 'b3', 'b4', 'b5'),
    productId: fc.constantFrom('prd_1', 'prd_2'),
    unitPriceMinor: fc.integer({ min: 0, max: 5000 }),
    minQuantity: fc.constantFrom(0, 1, 2.5, 10, 100),
    active: fc.boolean(),
    period,
  }),
  { maxLength: 25 },
)
const arbQuestion = fc.record({
  quantity: fc.constantFrom('0', '1', '2.5', '9.999', '10', '1000'),
  date: day,
  currency: fc.constantFrom('EUR', 'USD'),
  customerId: fc.option(fc.constantFrom('c1', 'c2'), { nil: undefined }),
  segmentIds: fc.option(fc.subarray(['s1', 's2']), { nil: undefined }),
})

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never

function build(books: ValueOf<typeof arbBooks>, entries: ValueOf<typeof arbEntries>) {
  return {
    books: books.map(({ period: p, ...b }) => ({ ...b, ...p })),
    entries: entries.map(({ period: p, ...e }, i) => ({ ...e, ...p, id: `e${String(i).padStart(2, '0')}` })),
  }
}

describe('choosePrice properties', () => {
  it('the answer applies, and no applicable entry outranks it (brute force over every pair)', () => {
    fc.assert(
      fc.property(arbBooks, arbEntries, arbQuestion, (rawBooks, rawEntries, q) => {
        const { books, entries } = build(rawBooks, rawEntries)
        const question = ask(q.quantity, q)
        const answer = choosePrice(books, entries, question)
        const applies = (e: PriceEntryView) => {
          const b = books.find((x) => x.id === e.priceBookId)
          if (!b?.active || !e.active || b.currency !== q.currency || e.productId !== 'prd_1') return false
          if (!periodCovers(b, q.date) || !periodCovers(e, q.date)) return false
          if (e.minQuantity > Number(q.quantity)) return false
          return (
            b.kind === 'default' ||
            (b.kind === 'customer' && b.customerId === q.customerId) ||
            (b.kind === 'segment' && (q.segmentIds ?? []).includes(b.segmentId))
          )
        }
        const applicable = entries.filter(applies)
        if (applicable.length === 0) return answer === undefined
        if (!answer) return false
        const won = applicable.find((e) => e.id === answer.priceBookEntryId)
        if (!won) return false
        const rank = (e: PriceEntryView) =>
          ['customer', 'segment', 'default'].indexOf(books.find((b) => b.id === e.priceBookId)!.kind)
        const length = (e: PriceEntryView) => {
          const b = books.find((x) => x.id === e.priceBookId)!
          const from =
            [b.validFrom, e.validFrom]
              .filter((d) => d != null)
              .sort()
              .at(-1) ?? null
          const to = [b.validTo, e.validTo].filter((d) => d != null).sort()[0] ?? null
          return periodLength({ validFrom: from, validTo: to })
        }
        return applicable.every((e) => {
          if (rank(e) !== rank(won)) return rank(e) > rank(won)
          if (length(e) !== length(won)) return length(e) > length(won)
          if (e.minQuantity !== won.minQuantity) return e.minQuantity < won.minQuantity
          if (e.unitPriceMinor !== won.unitPriceMinor) return e.unitPriceMinor > won.unitPriceMinor
          return e.id >= won.id
        })
      }),
      { numRuns: 500 },
    )
  })

  it('does not depend on the order books and entries are read in', () => {
    fc.assert(
      fc.property(arbBooks, arbEntries, arbQuestion, fc.integer(), (rawBooks, rawEntries, q, seed) => {
        const { books, entries } = build(rawBooks, rawEntries)
        const shuffle = <T>(xs: readonly T[]) =>
          xs
            .map((x, i) => ({ x, k: Math.imul(i + 1, seed | 1) >>> 0 }))
            .sort((a, b) => a.k - b.k)
            .map((p) => p.x)
        const question = ask(q.quantity, q)
        expect(choosePrice(shuffle(books), shuffle(entries), question)).toEqual(
          choosePrice(books, entries, question),
        )
      }),
      { numRuns: 300 },
    )
  })

  it('periodsOverlap agrees with day-by-day coverage', () => {
    fc.assert(
      fc.property(period, period, (a, b) => {
        const days = Array.from({ length: 61 }, (_, d) =>
          new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10),
        )
        const open = (p: typeof a) => p.validFrom == null || p.validTo == null
        const shared = days.some((d) => periodCovers(a, d) && periodCovers(b, d))
        // Open ends reach beyond the sampled days, so only a sampled shared day is conclusive for them.
        if (shared) return periodsOverlap(a, b)
        return open(a) || open(b) || !periodsOverlap(a, b)
      }),
    )
  })
})
