import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('../fixtures/cdnow/', import.meta.url))

/** One row of cdnow_customers_summary_with_transactions.csv (weekly units, 39-week calibration). */
export interface CdnowSummaryRow {
  id: number
  frequency: number
  recency: number
  T: number
  monetaryValue: number
}

/** The 2,357-customer CDNOW calibration summary (x, t_x, T in weeks; zbar). */
export function cdnowSummary(): CdnowSummaryRow[] {
  const lines = readFileSync(`${dir}cdnow_customers_summary_with_transactions.csv`, 'utf8')
    .trim()
    .split(/\r?\n/)
  return lines.slice(1).map((line) => {
    const [id, x, tx, T, zbar] = line.split(',').map(Number) as [number, number, number, number, number]
    return { id, frequency: x, recency: tx, T, monetaryValue: zbar }
  })
}

/** One order of CDNOW_sample.txt. */
export interface CdnowOrder {
  customerId: string
  date: string
  cds: number
  dollars: number
}

/** The 6,919 orders of the CDNOW sample (dates as ISO yyyy-mm-dd). */
export function cdnowOrders(): CdnowOrder[] {
  return readFileSync(`${dir}CDNOW_sample.txt`, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const [, customerId, d, cds, dollars] = line.trim().split(/\s+/) as [
        string,
        string,
        string,
        string,
        string,
      ]
      return {
        customerId,
        date: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`,
        cds: Number(cds),
        dollars: Number(dollars),
      }
    })
}

/** The BG/BB donations data: every (x, t_x) pattern over n = 6 opportunities with its weight. */
export function donations(): { frequency: number; recency: number; n: number; weight: number }[] {
  const lines = readFileSync(`${dir}donations.csv`, 'utf8').trim().split(/\r?\n/)
  return lines.slice(1).map((line) => {
    const [frequency, recency, n, weight] = line.split(',').map(Number) as [number, number, number, number]
    return { frequency, recency, n, weight }
  })
}

/** Fader & Hardie (2007) survival curves: % of a 1,000-customer cohort alive at years 0..7. */
export function sbgRetention(): { regular: number[]; highEnd: number[] } {
  const lines = readFileSync(`${dir}sbg_retention.csv`, 'utf8').trim().split(/\r?\n/)
  const rows = lines.slice(1).map((l) => l.split(',').map(Number) as [number, number, number])
  return { regular: rows.map((r) => r[1]), highEnd: rows.map((r) => r[2]) }
}
