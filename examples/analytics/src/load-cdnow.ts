import { readFileSync } from 'node:fs'

/** One CDNOW order. */
export interface CdnowOrder {
  /** Customer id (the sample id, 1–2357). */
  readonly customerId: number
  /** Order date, `YYYY-MM-DD` (UTC). */
  readonly date: string
  /** Dollar value. */
  readonly amount: number
}

/**
 * Reads the CDNOW sample: whitespace-separated, CRLF, no header; columns master id, sample id, YYYYMMDD,
 * number of CDs, dollar value. 6,919 orders by 2,357 customers who first bought in Q1 1997, up to 1998-06-30.
 */
export function loadCdnow(file: string | URL): CdnowOrder[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [, id, ymd, , dollars] = line.split(/\s+/)
      return {
        customerId: Number(id),
        date: `${ymd!.slice(0, 4)}-${ymd!.slice(4, 6)}-${ymd!.slice(6, 8)}`,
        amount: Number(dollars),
      }
    })
}
