import type { CrmServices } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import type { MoveStageOptions } from '@rapport/core/services'
import { SalesErrorCodes, salesError } from '../errors.js'
import { currencyExponent } from '../money/currency.js'
import type { QuoteDocument } from './quote-document.js'
import { buildQuoteDocument } from './quote-document.js'
import type { QuoteStatus } from './quote-lifecycle.js'

/** A quote record as the API returns it. */
export type QuoteRecord = Record<string, unknown> & { readonly id: string; readonly version: number }

/** What accepting a quote may add: the contract term, when the quote does not carry it yet. */
export interface AcceptQuoteOptions {
  readonly termStartDate?: string
  readonly termEndDate?: string
  readonly expectedVersion?: number
}

/** Fields a revision copies from the quote it supersedes (the rest is computed or starts afresh). */
const REVISION_FIELDS = [
  'title',
  'number',
  'dealId',
  'companyId',
  'contactId',
  'currency',
  'pricesIncludeTax',
  'taxRounding',
  'roundingMode',
  'headerDiscount',
  'fx',
  'lines',
  'validUntil',
  'termStartDate',
  'termEndDate',
  'notes',
  'pipelineId',
] as const

/** `crm.plugins.quotes`: the quote lifecycle, revisions and the document view. */
export interface QuotesApi {
  /** Creates a draft quote; totals are computed from the lines (sending them is `SALES_READ_ONLY_FIELD`). */
  create(input: Record<string, unknown>): Promise<QuoteRecord>
  /** Updates a quote; prices only in draft, nothing once closed (`SALES_RECORD_LOCKED`). */
  update(
    id: string,
    patch: Record<string, unknown>,
    options?: { expectedVersion?: number },
  ): Promise<QuoteRecord>
  get(id: string): Promise<QuoteRecord>
  /** Moves a quote to the stage with this key of its pipeline (`in_review`, `sent`, …) through core's machine. */
  moveTo(id: string, status: QuoteStatus, options?: MoveStageOptions): Promise<QuoteRecord>
  /** Draft → in review. */
  submitForReview(id: string, options?: MoveStageOptions): Promise<QuoteRecord>
  /** In review → sent. */
  send(id: string, options?: MoveStageOptions): Promise<QuoteRecord>
  /** Sent → accepted; creates the contract (draft) linked to the quote and its deal, in the same transaction. */
  accept(
    id: string,
    options?: AcceptQuoteOptions,
  ): Promise<{ quote: QuoteRecord; contract: Record<string, unknown> }>
  /** Sent → rejected, with the reason. */
  reject(id: string, reason: string, options?: Omit<MoveStageOptions, 'reason'>): Promise<QuoteRecord>
  /**
   * A new draft revision of the quote (changes applied to a copy): it links to the old one (`previousQuoteId`),
   * the old one becomes `superseded` and read-only, in one transaction; emits `quote.revised`.
   */
  revise(id: string, changes?: Record<string, unknown>): Promise<QuoteRecord>
  /** Moves every sent quote whose `validUntil` is before `asOf` (`YYYY-MM-DD`) to `expired`; returns their ids. */
  expireDue(asOf: string): Promise<string[]>
  /** The revision chain the quote belongs to, first revision first. */
  revisions(id: string): Promise<QuoteRecord[]>
  /** The structured document view a host renders. */
  quoteDocument(id: string): Promise<QuoteDocument>
}

function quotesOf(crm: CrmServices) {
  return crm.staged<QuoteRecord>('quote')
}

async function stageIdOf(crm: CrmServices, quote: QuoteRecord, key: string): Promise<string> {
  const pipeline = await crm.pipelines.get(quote['pipelineId'] as string)
  const stage = pipeline.stages.find((s) => s.key === key)
  if (!stage) {
    throw salesError(
      SalesErrorCodes.INVALID_TRANSITION,
      `The quote pipeline "${pipeline.name}" has no stage "${key}"`,
      { from: quote['status'], to: key },
    )
  }
  return stage.id
}

/**
 * Builds `crm.plugins.quotes` over the CRM's services.
 *
 * @internal
 */
export function quotesService(crm: CrmServices): QuotesApi {
  const move = async (tx: CrmServices, id: string, status: QuoteStatus, options: MoveStageOptions = {}) => {
    const quote = await quotesOf(tx).get(id)
    return quotesOf(tx).moveStage(id, await stageIdOf(tx, quote, status), options)
  }
  const moveTo = (id: string, status: QuoteStatus, options: MoveStageOptions = {}) =>
    crm.transaction((tx) => move(tx, id, status, options))
  const api: QuotesApi = {
    create: (input) => quotesOf(crm).create(input),
    update: (id, patch, options = {}) => quotesOf(crm).update(id, patch, options),
    get: (id) => quotesOf(crm).get(id),
    moveTo,
    submitForReview: (id, options) => moveTo(id, 'in_review', options),
    send: (id, options) => moveTo(id, 'sent', options),
    reject: (id, reason, options = {}) => moveTo(id, 'rejected', { ...options, reason }),
    accept: (id, options = {}) =>
      crm.transaction(async (tx) => {
        const fields: Record<string, unknown> = {}
        if (options.termStartDate !== undefined) fields['termStartDate'] = options.termStartDate
        if (options.termEndDate !== undefined) fields['termEndDate'] = options.termEndDate
        const quote = await move(tx, id, 'accepted', {
          ...(Object.keys(fields).length > 0 ? { fields } : {}),
          ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }),
        })
        const page = await tx.entity('contract').list({ where: { field: 'quoteId', op: 'eq', value: id } })
        return { quote, contract: page.items[0] as Record<string, unknown> }
      }),
    revise: (id, changes = {}) =>
      crm.transaction(async (tx) => {
        const old = await quotesOf(tx).get(id)
        const copy: Record<string, unknown> = {}
        for (const field of REVISION_FIELDS)
          if (old[field] !== null && old[field] !== undefined) copy[field] = old[field]
        const next = await quotesOf(tx).create({ ...copy, ...changes, previousQuoteId: id })
        await quotesOf(tx).moveStage(id, await stageIdOf(tx, old, 'superseded'), {
          reason: `Superseded by revision ${String(next['revision'])} (${next.id})`,
        })
        tx.emit('quote.revised', {
          id: next.id,
          previousQuoteId: id,
          revision: next['revision'],
          tenantId: tx.tenantId,
        })
        return next
      }),
    async expireDue(asOf) {
      if (typeof asOf !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
        throw salesError(SalesErrorCodes.INVALID_DOCUMENT, 'asOf must be a date YYYY-MM-DD', {
          path: ['asOf'],
        })
      }
      const due: string[] = []
      for await (const quote of quotesOf(crm).iterate({
        where: {
          and: [
            { field: 'status', op: 'eq', value: 'sent' },
            { field: 'validUntil', op: 'lt', value: asOf },
          ],
        },
        orderBy: [{ field: 'id' }],
      }))
        due.push(quote.id)
      const expired: string[] = []
      for (const id of due) {
        try {
          await moveTo(id, 'expired', { reason: `Not accepted by its validity date (as of ${asOf})` })
          expired.push(id)
        } catch (error) {
          // Accepted or revised meanwhile by someone else: not ours to expire any more.
          if (!isRapportError(error)) throw error
        }
      }
      return expired
    },
    async revisions(id) {
      const quotes = quotesOf(crm)
      let first = await quotes.get(id)
      const seen = new Set([first.id])
      while (first['previousQuoteId']) {
        const previous = await quotes.find(first['previousQuoteId'] as string)
        if (!previous || seen.has(previous.id)) break
        seen.add(previous.id)
        first = previous
      }
      const chain = [first]
      seen.clear()
      seen.add(first.id)
      for (;;) {
        const last = chain[chain.length - 1] as QuoteRecord
        const page = await quotes.list({
          where: { field: 'previousQuoteId', op: 'eq', value: last.id },
          limit: 1,
        })
        const next = page.items[0]
        if (!next || seen.has(next.id)) break
        seen.add(next.id)
        chain.push(next)
      }
      return chain
    },
    async quoteDocument(id) {
      const quote = await quotesOf(crm).get(id)
      const pipeline = await crm.pipelines.find(quote['pipelineId'] as string)
      const stage = pipeline?.stages.find((s) => s.id === quote['stageId'])
      const contracts = await crm
        .entity('contract')
        .list({ where: { field: 'quoteId', op: 'eq', value: id }, limit: 1 })
      return buildQuoteDocument(
        quote,
        stage ? { id: stage.id, name: stage.name, kind: stage.kind } : null,
        currencyExponent(quote['currency'] as string),
        (contracts.items[0]?.['id'] as string | undefined) ?? null,
      )
    },
  }
  return api
}
