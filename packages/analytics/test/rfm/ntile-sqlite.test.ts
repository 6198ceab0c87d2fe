/**
 * `tieRule: 'ntile'` claims SQL NTILE semantics; this proves it against SQLite's own NTILE window function (a test-only
 * dependency: the package's source never touches SQL).
 */
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { EntityId } from '../../src/rfm/index.js'
import { quantileScores, rfmScores, rfmSummary } from '../../src/rfm/index.js'
import { loadCdnowSample } from './load-cdnow.js'

const db = new Database(':memory:')
afterAll(() => db.close())

/** Scores of the values by SQLite: `NTILE(bins) OVER (ORDER BY v [DESC], id)`, aligned with the input. */
function sqlNtile(
  values: readonly number[],
  ids: readonly EntityId[],
  bins: number,
  descending: boolean,
): number[] {
  db.exec('DROP TABLE IF EXISTS t; CREATE TABLE t (pos INTEGER PRIMARY KEY, id, v REAL NOT NULL)')
  const insert = db.prepare('INSERT INTO t (pos, id, v) VALUES (?, ?, ?)')
  db.transaction(() => {
    values.forEach((v, i) => {
      insert.run(i, ids[i], v)
    })
  })()
  const rows = db
    .prepare(
      `SELECT pos, NTILE(${bins}) OVER (ORDER BY v ${descending ? 'DESC' : 'ASC'}, id) AS score FROM t`,
    )
    .all() as { pos: number; score: number }[]
  const out = new Array<number>(values.length)
  for (const row of rows) out[row.pos] = row.score
  return out
}

describe("tieRule 'ntile' equals SQL NTILE", () => {
  const rows = rfmSummary(loadCdnowSample(), { asOf: '1998-07-01' })
  const ids = rows.map((r) => r.customerId)

  it('on CDNOW (2,357 customers): R, F and M scores equal SQLite NTILE(5) with 0 differences', () => {
    const scored = rfmScores(rows, { tieRule: 'ntile' })
    const r = sqlNtile(
      rows.map((x) => x.recency),
      ids,
      5,
      true,
    )
    const f = sqlNtile(
      rows.map((x) => x.frequency),
      ids,
      5,
      false,
    )
    const m = sqlNtile(
      rows.map((x) => x.monetarySum),
      ids,
      5,
      false,
    )
    const differences = (mine: readonly number[], sql: readonly number[]) =>
      mine.filter((s, i) => s !== sql[i]).length
    expect(rows).toHaveLength(2357)
    expect(
      differences(
        scored.map((x) => x.r),
        r,
      ),
    ).toBe(0)
    expect(
      differences(
        scored.map((x) => x.f),
        f,
      ),
    ).toBe(0)
    expect(
      differences(
        scored.map((x) => x.m),
        m,
      ),
    ).toBe(0)
    // The former rule (ascending NTILE, then reversed) disagreed with this SQL for 38 customers' R score.
    const reversed = quantileScores(
      rows.map((x) => x.recency),
      { ids, tieRule: 'ntile' },
    ).map((s) => 6 - s)
    expect(differences(reversed, r)).toBe(38)
  })

  it('on random tie-heavy data, for every bin count and both directions (property, SQLite as the oracle)', () => {
    const idArb = fc.oneof(
      fc.integer({ min: -50, max: 50 }),
      fc.string({ unit: fc.constantFrom('a', 'b', 'B', 'z', '0', '9', '-'), maxLength: 3 }),
    )
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ id: idArb, v: fc.integer({ min: 0, max: 6 }) }), {
          selector: (x) => x.id,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        (sample, bins, descending) => {
          const values = sample.map((x) => x.v)
          const sampleIds = sample.map((x) => x.id)
          expect(quantileScores(values, { bins, tieRule: 'ntile', descending, ids: sampleIds })).toEqual(
            sqlNtile(values, sampleIds, bins, descending),
          )
        },
      ),
      { numRuns: 150 },
    )
  })
})
