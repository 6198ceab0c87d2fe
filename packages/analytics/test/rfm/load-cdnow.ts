import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { RfmTransaction } from '../../src/rfm/index.js'

/**
 * The CDNOW sample (the fixture copied for the clv tests) (2,357 customers, 6,919 orders, 1997-01-01 … 1998-06-30) as RFM transactions.
 * Columns: master id, sample id, YYYYMMDD, number of CDs, dollar value; whitespace-separated, CRLF.
 */
export function loadCdnowSample(): RfmTransaction[] {
  const path = fileURLToPath(new URL('../fixtures/cdnow/CDNOW_sample.txt', import.meta.url))
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [, sampleId, ymd, , dollars] = line.split(/\s+/)
      return {
        customerId: Number(sampleId),
        at: `${ymd!.slice(0, 4)}-${ymd!.slice(4, 6)}-${ymd!.slice(6, 8)}`,
        amount: Number(dollars),
      }
    })
}
