import type { Actor } from '@rapport/core/events'
import type { EntityHooks, HookContext } from '@rapport/core/plugin'
import { procurementError } from '../procurement-error.js'
import type { Supplier } from '../suppliers/supplier-entity.js'
import type { QuoteLine, Rfq } from './rfq-entities.js'

/** Σ unit price × quantity over the RFQ's lines, refusing lines the RFQ does not have or prices twice. */
export function quoteTotalMinor(rfq: Pick<Rfq, 'lines'>, lines: readonly QuoteLine[]): number {
  const quantities = new Map(rfq.lines.map((l) => [l.key, l.quantity]))
  const seen = new Set<string>()
  let total = 0
  for (const line of lines) {
    const quantity = quantities.get(line.key)
    if (quantity === undefined || seen.has(line.key)) {
      throw procurementError(
        'PROCUREMENT_INVALID_INPUT',
        quantity === undefined
          ? `The RFQ has no line "${line.key}"`
          : `The line "${line.key}" is priced twice`,
        { key: line.key },
      )
    }
    seen.add(line.key)
    total += line.unitPriceMinor * quantity
  }
  if (!Number.isSafeInteger(total)) {
    throw procurementError('PROCUREMENT_INVALID_INPUT', 'The quote total is too large', {})
  }
  return total
}

async function checkRfq(data: Record<string, unknown>, ctx: HookContext): Promise<void> {
  const lines = (data['lines'] as Rfq['lines']) ?? []
  const keys = new Set<string>()
  for (const line of lines) {
    if (keys.has(line.key)) {
      throw procurementError('PROCUREMENT_INVALID_INPUT', `The RFQ line "${line.key}" appears twice`, {
        key: line.key,
      })
    }
    keys.add(line.key)
  }
  const ids = (data['supplierIds'] as string[]) ?? []
  if (new Set(ids).size !== ids.length) {
    throw procurementError('PROCUREMENT_INVALID_SUPPLIER', 'A supplier is invited twice', {
      supplierIds: ids,
    })
  }
  for (const id of ids) {
    const supplier = await ctx.crm.entity<Supplier>('supplier').find(id)
    if (!supplier?.active || supplier.archivedAt) {
      throw procurementError('PROCUREMENT_INVALID_SUPPLIER', `No active supplier "${id}"`, { supplierId: id })
    }
  }
  // the sale that triggered the RFQ must exist and be visible to the writer (NOT_FOUND otherwise)
  await ctx.crm.entity(String(data['sourceEntity'])).get(String(data['sourceId']))
}

async function priceQuote(data: Record<string, unknown>, ctx: HookContext): Promise<Record<string, unknown>> {
  const rfq = await ctx.crm.entity<Rfq>('rfq').get(String(data['rfqId']))
  if (rfq.status !== 'open') {
    throw procurementError('PROCUREMENT_RFQ_CLOSED', `The RFQ is ${rfq.status}`, {
      rfqId: rfq.id,
      status: rfq.status,
    })
  }
  if (!rfq.supplierIds.includes(String(data['supplierId']))) {
    throw procurementError('PROCUREMENT_NOT_INVITED', 'The supplier was not invited to this RFQ', {
      rfqId: rfq.id,
      supplierId: data['supplierId'],
    })
  }
  if (data['currency'] !== rfq.currency) {
    throw procurementError(
      'PROCUREMENT_CURRENCY_MISMATCH',
      `The quote is in ${String(data['currency'])}, the RFQ in ${rfq.currency}`,
      { rfqId: rfq.id, currency: data['currency'], expected: rfq.currency },
    )
  }
  const totalMinor = quoteTotalMinor(rfq, data['lines'] as QuoteLine[])
  return { ...data, total: { amountMinor: totalMinor, currency: rfq.currency } }
}

const RFQ_SERVICE_FIELDS = ['status', 'awardedQuoteId', 'awardedSupplierId', 'awardedAt'] as const

/** Status (and award) fields move through the service only, which writes them as the plugin's system actor. */
function serviceOnly(
  entity: string,
  data: Record<string, unknown>,
  current: Record<string, unknown>,
  fields: readonly string[],
  ctx: HookContext,
  system: Actor,
): void {
  if (ctx.actor?.id === system.id) return
  const changed = fields.filter((f) => f in data && data[f] !== undefined && data[f] !== current[f])
  if (changed.length > 0) {
    throw procurementError(
      'PROCUREMENT_STATUS_READ_ONLY',
      `The ${entity}'s ${changed.join(', ')} change through the procurement service only`,
      { entity, fields: changed },
    )
  }
}

/**
 * The rules every write obeys, whoever makes it: RFQ lines have unique keys and invite existing, active suppliers
 * for a sale that exists; a quote comes from an invited supplier, in the RFQ's currency, for an open RFQ, and its
 * total is computed here from its lines on every write (a client's total is replaced); statuses and the award move only
 * through the service (`PROCUREMENT_STATUS_READ_ONLY`), which writes them as the plugin's system actor.
 */
export function procurementHooks(now: () => Date, system: Actor): Record<string, EntityHooks> {
  return {
    rfq: {
      create: {
        before: async (data, ctx) => {
          serviceOnly('rfq', data, { status: 'open' }, RFQ_SERVICE_FIELDS, ctx, system)
          await checkRfq(data, ctx)
          return undefined
        },
      },
      update: {
        before: async (patch, ctx) => {
          serviceOnly('rfq', patch, ctx.current, RFQ_SERVICE_FIELDS, ctx, system)
          if (ctx.current['status'] !== 'open' && Object.keys(patch).some((k) => k !== 'status')) {
            throw procurementError('PROCUREMENT_RFQ_CLOSED', `The RFQ is ${String(ctx.current['status'])}`, {
              rfqId: ctx.current['id'],
            })
          }
          if ('lines' in patch || 'supplierIds' in patch || 'sourceId' in patch || 'sourceEntity' in patch) {
            await checkRfq({ ...ctx.current, ...patch }, ctx)
          }
          return undefined
        },
      },
    },
    supplierQuote: {
      create: {
        before: async (data, ctx) => {
          serviceOnly('supplierQuote', data, { status: 'submitted' }, ['status'], ctx, system)
          return { data: { ...(await priceQuote(data, ctx)), submittedAt: now() } }
        },
      },
      update: {
        before: async (patch, ctx) => {
          serviceOnly('supplierQuote', patch, ctx.current, ['status'], ctx, system)
          const keys = Object.keys(patch)
          if (keys.length === 1 && keys[0] === 'status') return undefined
          if ('rfqId' in patch || 'supplierId' in patch) {
            throw procurementError(
              'PROCUREMENT_INVALID_INPUT',
              'A quote cannot move to another RFQ or supplier',
              {},
            )
          }
          const merged = { ...ctx.current, ...patch }
          const priced = await priceQuote(merged, ctx)
          return { data: { ...patch, total: priced['total'] } }
        },
      },
    },
  }
}
