import { defineTransitionGuard } from '@rapport/core/pipeline'
import type { EntityHooks, HookContext } from '@rapport/core/plugin'
import { SalesErrorCodes, salesError } from '../errors.js'
import { computeQuoteTotals } from './quote-calculation.js'
import { effectiveDiscountBasisPoints } from './quote-discount.js'
import { COMPUTED_QUOTE_FIELDS } from './quote-entity.js'
import type { QuoteStatus } from './quote-lifecycle.js'
import { EDITABLE_QUOTE_STATUSES, FINAL_QUOTE_STATUSES, REVISABLE_QUOTE_STATUSES } from './quote-lifecycle.js'

type Row = Record<string, unknown>

/** What the price of a quote is made of: editable only in draft (a sent quote changes by revision). */
const PRICING_FIELDS = [
  'currency',
  'quoteDate',
  'lines',
  'pricesIncludeTax',
  'taxRounding',
  'roundingMode',
  'headerDiscount',
  'fx',
] as const

const locked = (id: unknown, reason: string, fields: readonly string[] = []) =>
  salesError(SalesErrorCodes.RECORD_LOCKED, `The quote ${String(id)} cannot be changed: ${reason}`, {
    entity: 'quote',
    id,
    reason,
    ...(fields.length > 0 ? { fields } : {}),
  })

/** A patch that only moves the quote (what `moveStage` writes), changing nothing of its content. */
const isMoveOnly = (patch: Row) => Object.keys(patch).every((k) => k === 'stageId' || k === 'status')

function refuseComputed(input: Row): void {
  const sent = COMPUTED_QUOTE_FIELDS.filter((f) => input[f] !== undefined)
  if (sent.length > 0) {
    throw salesError(
      SalesErrorCodes.READ_ONLY_FIELD,
      `The server computes ${sent.join(', ')} from the lines; do not send them`,
      { fields: sent },
    )
  }
}

function totalsOf(quote: Row): Row {
  const totals = computeQuoteTotals(quote)
  return {
    ...totals,
    discountBasisPoints: effectiveDiscountBasisPoints(totals.grossMinor, totals.discountMinor),
    calculation: totals.calculation as unknown as Row,
  }
}

async function revisionOf(previousId: string, ctx: HookContext): Promise<number> {
  const quotes = ctx.crm.entity('quote')
  const previous = await quotes.get(previousId)
  const status = previous['status'] as QuoteStatus
  if (!REVISABLE_QUOTE_STATUSES.includes(status)) {
    throw locked(previousId, `a ${status} quote cannot be revised`)
  }
  const later = await quotes.count({ where: { field: 'previousQuoteId', op: 'eq', value: previousId } })
  if (later > 0) throw locked(previousId, 'it already has a revision')
  return Number(previous['revision'] ?? 1) + 1
}

/** Accepting a quote creates its contract (draft), linked to the quote and its deal, in the same transaction. */
async function createContract(quote: Row, ctx: HookContext): Promise<void> {
  await ctx.crm.entity('contract').create({
    name: quote['title'],
    ...(quote['number'] ? { number: quote['number'] } : {}),
    companyId: quote['companyId'] ?? null,
    contactId: quote['contactId'] ?? null,
    dealId: quote['dealId'] ?? null,
    quoteId: quote['id'],
    currency: quote['currency'],
    amountMinor: quote['totalMinor'],
    startDate: quote['termStartDate'],
    endDate: quote['termEndDate'],
  })
}

/**
 * The hooks that keep every quote write honest whoever makes it (the quotes API, the REST server, a host's code):
 * totals, revision and calculation are computed from the lines on every write and refused as input; prices change
 * only in draft; a closed quote (accepted, rejected, expired, superseded) is read-only; a revision must follow a
 * revisable quote that has no revision yet; entering `accepted` creates the contract. Every refusal is a typed
 * `SALES_*` error thrown inside the write's transaction, so nothing is written.
 */
export const quoteHooks: Readonly<Record<string, EntityHooks>> = {
  quote: {
    create: {
      async before(data, ctx) {
        refuseComputed(data)
        const previous = data['previousQuoteId'] as string | null | undefined
        const revision = previous ? await revisionOf(previous, ctx) : 1
        return { data: { ...data, revision, ...totalsOf(data) } }
      },
      async after(record, ctx) {
        if (record['status'] === 'accepted') await createContract(record, ctx)
      },
    },
    update: {
      before(patch, ctx) {
        refuseComputed(patch)
        const current = ctx.current
        const status = current['status'] as QuoteStatus
        if (
          FINAL_QUOTE_STATUSES.includes(status) &&
          !(isMoveOnly(patch) && REVISABLE_QUOTE_STATUSES.includes(status))
        ) {
          // A closed quote changes no more; a rejected or expired one only moves on to superseded, by revision.
          throw locked(current['id'], `it is ${status}`)
        }
        if ('previousQuoteId' in patch && patch['previousQuoteId'] !== current['previousQuoteId']) {
          throw locked(current['id'], 'the quote a revision follows is set when it is created', [
            'previousQuoteId',
          ])
        }
        const pricing = PRICING_FIELDS.filter((f) => f in patch)
        if (pricing.length > 0 && !EDITABLE_QUOTE_STATUSES.includes(status)) {
          throw locked(
            current['id'],
            `its prices are fixed once it left draft (${status}); revise it`,
            pricing,
          )
        }
        const merged: Row = { ...current }
        for (const [key, value] of Object.entries(patch)) merged[key] = value
        return { data: { ...patch, ...totalsOf(merged) } }
      },
      async after(record, ctx) {
        if (record['status'] === 'accepted' && ctx.before['status'] !== 'accepted') {
          await createContract(record, ctx)
        }
      },
    },
    delete: {
      before(record) {
        if (!EDITABLE_QUOTE_STATUSES.includes(record['status'] as QuoteStatus)) {
          throw locked(record['id'], `only draft quotes can be deleted (${String(record['status'])})`)
        }
        return undefined
      },
    },
  },
}

/**
 * Guards of the quote pipeline: a quote leaves draft only with lines, and becomes `superseded` only once a revision
 * of it exists (so the old quote always has a successor to point to).
 */
export const quoteTransitionGuards = [
  defineTransitionGuard({
    name: 'quoteHasLines',
    entities: ['quote'],
    check: ({ to, record }) =>
      to.kind === 'lost' ||
      to.key === 'draft' ||
      ((record['lines'] as unknown[] | null) ?? []).length > 0 ||
      'A quote needs at least one line',
  }),
  defineTransitionGuard({
    name: 'quoteSupersededByRevision',
    entities: ['quote'],
    check: async ({ to, record, crm }) => {
      if (to.key !== 'superseded') return true
      const revisions = await crm
        .entity('quote')
        .count({ where: { field: 'previousQuoteId', op: 'eq', value: record['id'] as string } })
      return revisions > 0 || 'A quote is superseded only by a revision (crm.plugins.quotes.revise)'
    },
  }),
]
