import { foldAsciiCase } from '../../storage/evaluate-storage-filter.js'
import type { StorageValue, TextOperator } from '../../storage/storage-filter.js'
import type { ConformanceSuite } from '../conformance-types.js'
import { expectMatches } from './filters.js'
import { createAll, not, text, within } from './suite-helpers.js'

const isString = (value: unknown): value is string => typeof value === 'string'

/** `count` distinct integers from `start` that no row holds, plus `extra`. */
const manyValues = (start: number, count: number, ...extra: StorageValue[]): StorageValue[] => [
  ...Array.from({ length: count }, (_, i) => start + i),
  ...extra,
]

/**
 * Filter semantics where adapters tend to switch code paths: long `in`/`nin` lists (often sent as an array
 * parameter or a temporary table past some size) and case-insensitive matching of non-ASCII text.
 */
export const filterEdgesSuite: ConformanceSuite = {
  name: 'filter-edges',
  description: 'long in/nin lists keep two-valued null logic; case folding is ASCII-only on both sides',
  tests: {
    'nin and in with more than 100 values keep the same null semantics as short lists': async (ctx) => {
      const rows = [0, 1, 2, null, 3, null, 250, 5000].map((age, i) =>
        ctx.factories.person({ name: `p${i}`, age, email: age === null ? null : `p${i}@example.test` }),
      )
      await createAll(ctx, 'person', rows)
      const ages = (test: (age: StorageValue) => boolean) => rows.filter((r) => test(r['age'] ?? null))
      for (const size of [5, 101, 150, 1200]) {
        const values = manyValues(100_000, size - 2, 1, 250)
        const label = `${size} values`
        await expectMatches(
          ctx,
          within('age', values, true),
          ages((a) => a === null || !values.includes(a)),
          `nin (${label}) keeps rows whose value is null`,
        )
        await expectMatches(
          ctx,
          within('age', [...values, null], true),
          ages((a) => a !== null && !values.includes(a)),
          `nin (${label} and null) drops only the null rows`,
        )
        await expectMatches(
          ctx,
          within('age', [...values, null]),
          ages((a) => a === null || values.includes(a)),
          `in (${label} and null) matches the null rows`,
        )
        await expectMatches(
          ctx,
          not(within('age', values)),
          ages((a) => a === null || !values.includes(a)),
          `not(in) (${label}) is the exact negation`,
        )
        const emails = [...values.map((v) => `p${String(v)}@nowhere.test`), 'p1@example.test']
        await expectMatches(
          ctx,
          within('email', emails, true),
          rows.filter((r) => r['email'] === null || !emails.includes(r['email'] as string)),
          `nin on strings (${label}) keeps null emails`,
        )
      }
    },

    'case-insensitive matching folds ASCII letters only, in the value and the needle alike': async (ctx) => {
      const names = [
        'ÉMILE DURAND',
        'Émile Zola',
        'émile',
        'ÀLVARO',
        'àlvaro',
        'ΣΟΦΙΑ',
        'σοφια',
        'İSTANBUL',
        'istanbul',
        'STRASSE',
        'Straße',
        'ÅSA Öberg',
        'Alice',
      ]
      const rows = names.map((name) => ctx.factories.person({ name }))
      await createAll(ctx, 'person', rows)
      const cases: [TextOperator, string][] = [
        ['contains', 'ÉMILE'],
        ['startsWith', 'Émile'],
        ['contains', 'MILE'],
        ['startsWith', 'ÀLV'],
        ['contains', 'ΣΟΦ'],
        ['startsWith', 'İST'],
        ['endsWith', 'TANBUL'],
        ['contains', 'STRASSE'],
        ['endsWith', 'SSE'],
        ['startsWith', 'ÅSA ÖB'],
        ['contains', 'éMILE'],
        ['startsWith', 'ALICE'],
      ]
      const applies = (op: TextOperator, haystack: string, needle: string) =>
        op === 'contains'
          ? haystack.includes(needle)
          : op === 'startsWith'
            ? haystack.startsWith(needle)
            : haystack.endsWith(needle)
      for (const [op, needle] of cases) {
        await expectMatches(
          ctx,
          text('name', op, needle, true),
          rows.filter(
            (r) => isString(r['name']) && applies(op, foldAsciiCase(r['name']), foldAsciiCase(needle)),
          ),
          `${op} '${needle}' case-insensitively`,
        )
      }
    },
  },
}
