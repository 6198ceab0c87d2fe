import { customerLifetimeValue, fitBgNbd, fitGammaGamma } from '@rapport/analytics/clv'
import type { RfmSegmentSize } from '@rapport/analytics/rfm'
import { assignRfmSegments, RFM_SEGMENTS_11, rfmScores, rfmSegmentSizes } from '@rapport/analytics/rfm'
import type { CrmServices } from '@rapport/core'
import { toBtydCustomers, toRfmSummaryRows } from '@rapport/core/services'
import { analysed } from './analysed.js'

/** One bin of a histogram. */
export interface HistogramBin {
  readonly from: number
  readonly to: number
  readonly count: number
}

/** What {@link customerSummary} returns. */
export interface CustomerSummary {
  readonly asOf: string
  readonly currency: string
  /** Customers with at least one completed order in the currency. */
  readonly customers: number
  /** Customers per RFM segment (the 11-segment map); `null` without customers. */
  readonly rfm: { readonly segments: readonly RfmSegmentSize[] } | null
  /**
   * The 12-month CLV distribution (BG/NBD + Gamma-Gamma, 1 % a month), in currency units; `null` with fewer than
   * three repeat customers, where no model can be fitted.
   */
  readonly clv: {
    readonly histogram: readonly HistogramBin[]
    readonly mean: number
    readonly converged: boolean
  } | null
}

/**
 * RFM segments and the CLV distribution of the tenant's customers, from their completed orders.
 *
 * @example
 * ```ts
 * const { rfm, clv } = await customerSummary(crm, { currency: 'EUR' })
 * ```
 */
export async function customerSummary(
  crm: CrmServices,
  options: { readonly asOf?: string; readonly currency?: string } = {},
): Promise<CustomerSummary> {
  const asOf = options.asOf ?? new Date().toISOString()
  const currency = options.currency ?? 'USD'
  const summaries = await crm.orders.customerSummaries({ asOf, timeUnit: 'day', currency })
  if (summaries.customers.length === 0) return { asOf, currency, customers: 0, rfm: null, clv: null }
  const rows = toRfmSummaryRows(summaries)
  const segmented = assignRfmSegments(rfmScores(rows), RFM_SEGMENTS_11)
  const rfm = { segments: rfmSegmentSizes(segmented, RFM_SEGMENTS_11) }
  const clv = await analysed('CLV', () => {
    const customers = toBtydCustomers(summaries, { freqMultiplier: 7 })
    const repeat = customers.filter((x) => x.frequency > 0)
    if (repeat.length < 3) return null
    const bg = fitBgNbd(customers)
    const gg = fitGammaGamma(repeat.map((x) => ({ frequency: x.frequency, monetaryValue: x.monetaryValue })))
    const values = customerLifetimeValue({
      transactionModel: bg,
      spendModel: gg,
      customers,
      time: 12,
      discountRate: 0.01,
      timeUnit: 'W',
    })
    const mean = values.reduce((s, v) => s + v, 0) / values.length
    return { histogram: histogram(values, 10), mean, converged: bg.converged && gg.converged }
  })
  return { asOf, currency, customers: rows.length, rfm, clv }
}

/** Equal-width bins over the values' range. */
function histogram(values: readonly number[], bins: number): HistogramBin[] {
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return []
  const min = Math.min(...finite)
  const max = Math.max(...finite)
  const width = (max - min) / bins || 1
  const out = Array.from({ length: bins }, (_, i) => ({
    from: min + i * width,
    to: min + (i + 1) * width,
    count: 0,
  }))
  for (const v of finite) out[Math.min(bins - 1, Math.floor((v - min) / width))]!.count++
  return out
}
