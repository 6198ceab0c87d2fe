import type { EntityHooks, HookContext } from '@rapport/core/plugin'
import type { PriceRule } from './price-lookup.js'
import { MAX_PRICE_RULE_DEPTH } from './price-lookup.js'
import { productError } from './product-errors.js'
import type { ValidityPeriod } from './validity-period.js'
import { periodsOverlap } from './validity-period.js'

type Row = Record<string, unknown>

function checkPeriod(record: Row): void {
  const { validFrom, validTo } = record as ValidityPeriod
  if (validFrom != null && validTo != null && validTo < validFrom) {
    throw productError(
      'SALES_INVALID_PERIOD',
      `The validity period ends (${validTo}) before it starts (${validFrom})`,
      {
        validFrom,
        validTo,
      },
    )
  }
}

function checkTarget(book: Row): void {
  const kind = book['kind']
  const customer = book['customerId'] != null
  const segment = book['segmentId'] != null
  const fits =
    kind === 'customer'
      ? customer && !segment
      : kind === 'segment'
        ? segment && !customer
        : !customer && !segment
  if (!fits) {
    throw productError(
      'SALES_INVALID_PRICE_BOOK',
      `A ${String(kind)} price book needs ${kind === 'customer' ? 'a customerId and no segmentId' : kind === 'segment' ? 'a segmentId and no customerId' : 'neither a customerId nor a segmentId'}`,
      { kind },
    )
  }
}

/** Every other stored row matching `where`, in pages (rules read all of them, not a first page). */
async function others(ctx: HookContext, entity: string, where: unknown, self: unknown): Promise<Row[]> {
  const rows: Row[] = []
  for await (const row of ctx.crm.entity(entity).iterate({ where: where as never })) {
    if (row['id'] !== self) rows.push(row as Row)
  }
  return rows
}

function refuseOverlap(record: Row, rivals: readonly Row[], what: string): void {
  const rival = rivals.find((other) => periodsOverlap(record as ValidityPeriod, other as ValidityPeriod))
  if (rival) {
    throw productError(
      'SALES_OVERLAPPING_VALIDITY',
      `${what} ${String(rival['id'])} is valid on some of the same days`,
      {
        id: record['id'],
        conflictId: rival['id'],
      },
    )
  }
}

function badRule(book: Row, reason: string): never {
  throw productError('SALES_INVALID_PRICE_RULE', `The price rule of book ${String(book['id'])}: ${reason}`, {
    id: book['id'],
    reason,
  })
}

/** A derived book's base is another book in its currency, the chain ends within the depth limit, no cycle. */
async function checkRule(book: Row, ctx: HookContext): Promise<void> {
  const rule = book['priceRule'] as PriceRule | null | undefined
  if (!rule) return
  if (
    rule.minMarginMinor != null &&
    rule.maxMarginMinor != null &&
    rule.minMarginMinor > rule.maxMarginMinor
  ) {
    badRule(book, 'the minimum margin is above the maximum margin')
  }
  const chain = [String(book['id'])]
  let next: string | null | undefined = rule.basePriceBookId
  while (next) {
    if (chain.includes(next)) badRule(book, `its base books form a cycle (${[...chain, next].join(' → ')})`)
    if (chain.length >= MAX_PRICE_RULE_DEPTH) {
      badRule(book, `its chain of base books is longer than ${MAX_PRICE_RULE_DEPTH}`)
    }
    const base = await ctx.crm.entity('priceBook').get(next) // NOT_FOUND outside the writer's access
    if (base['currency'] !== book['currency']) {
      badRule(
        book,
        `its base book ${next} is in ${String(base['currency'])}, not ${String(book['currency'])}`,
      )
    }
    chain.push(next)
    next = (base['priceRule'] as PriceRule | null | undefined)?.basePriceBookId
  }
}

/** Books of one kind, target and currency must not overlap: on any date one default book per currency, at most. */
async function checkBook(book: Row, ctx: HookContext): Promise<void> {
  checkTarget(book)
  checkPeriod(book)
  await checkRule(book, ctx)
  const same: unknown[] = [
    { field: 'kind', op: 'eq', value: book['kind'] },
    { field: 'currency', op: 'eq', value: book['currency'] },
  ]
  if (book['kind'] === 'customer') same.push({ field: 'customerId', op: 'eq', value: book['customerId'] })
  if (book['kind'] === 'segment') same.push({ field: 'segmentId', op: 'eq', value: book['segmentId'] })
  const rivals = await others(ctx, 'priceBook', { and: same }, book['id'])
  refuseOverlap(book, rivals, `The ${String(book['kind'])} price book in ${String(book['currency'])}`)
}

/** Entries of one book, product and minimum quantity must not overlap: one price per tier on any date. */
async function checkEntry(entry: Row, ctx: HookContext): Promise<void> {
  checkPeriod(entry)
  const rivals = await others(
    ctx,
    'priceBookEntry',
    {
      and: [
        { field: 'priceBookId', op: 'eq', value: entry['priceBookId'] },
        { field: 'productId', op: 'eq', value: entry['productId'] },
        { field: 'minQuantity', op: 'eq', value: entry['minQuantity'] },
      ],
    },
    entry['id'],
  )
  refuseOverlap(entry, rivals, `The entry of this product and minimum quantity`)
}

/**
 * The rules of products and price books, whoever writes them (the products API, the REST server, a host's code): a
 * book's target fits its kind, periods end after they start, books of one kind, target and currency never overlap in
 * time, entries of one book, product and minimum quantity never overlap, a derived book's rule has a base book in its
 * currency without cycles, and a book's currency is fixed. They run
 * on the stored (validated, defaulted) record inside the write's transaction, so a refusal writes nothing.
 */
export const productHooks: Readonly<Record<string, EntityHooks>> = {
  priceBook: {
    create: { after: checkBook },
    update: {
      before(patch, ctx) {
        if (patch['currency'] !== undefined && patch['currency'] !== ctx.current['currency']) {
          throw productError(
            'SALES_RECORD_LOCKED',
            `The currency of price book ${String(ctx.current['id'])} is fixed`,
            {
              entity: 'priceBook',
              id: ctx.current['id'],
              reason: 'its entries are priced in its currency',
              fields: ['currency'],
            },
          )
        }
        return undefined
      },
      after: checkBook,
    },
  },
  priceBookEntry: {
    create: { after: checkEntry },
    update: { after: checkEntry },
  },
}
