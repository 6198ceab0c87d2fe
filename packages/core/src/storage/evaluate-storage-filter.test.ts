import { describe, expect, it } from 'vitest'
import { isRapportError } from '../errors/rapport-error.js'
import { compileStorageFilter, evaluateStorageFilter, foldAsciiCase } from './evaluate-storage-filter.js'
import type { FieldRef, ResolvedRelation, StorageFilter, StorageRow, StorageValue } from './storage-filter.js'

const noRelations = { related: () => [] }

const name: FieldRef = { field: 'name', type: 'string' }
const amount: FieldRef = { field: 'amount', type: 'integer' }
const score: FieldRef = { field: 'score', type: 'number' }
const active: FieldRef = { field: 'active', type: 'boolean' }
const closedAt: FieldRef = { field: 'closedAt', type: 'datetime' }
const closeDate: FieldRef = { field: 'closeDate', type: 'date' }
const tier: FieldRef = { field: 'custom', path: ['tier'], type: 'string' }
const seats: FieldRef = { field: 'custom', path: ['plan', 'seats'], type: 'integer' }
const renewsAt: FieldRef = { field: 'custom', path: ['renewsAt'], type: 'datetime' }
const tags: FieldRef = { field: 'tags', type: 'string', array: true }

function matches(filter: StorageFilter, row: StorageRow): boolean {
  return evaluateStorageFilter(filter, row, noRelations)
}

/** The rows of `rows` a filter keeps, by id. */
function keep(filter: StorageFilter, rows: readonly StorageRow[]): string[] {
  const predicate = compileStorageFilter(filter, noRelations)
  return rows.filter(predicate).map((row) => String(row['id']))
}

const cmp = (ref: FieldRef, op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte', value: StorageValue) =>
  ({ kind: 'compare', ref, op, value }) as const

describe('compare', () => {
  const rows: StorageRow[] = [
    { id: 'a', name: 'Ada', amount: 10, score: 1.5, active: true },
    { id: 'b', name: 'ada', amount: -3, score: -0.25, active: false },
    { id: 'c', name: null, amount: null, score: null, active: null },
    { id: 'd' },
  ]

  it('treats null as an ordinary value for eq and ne, and missing columns as null', () => {
    expect(keep(cmp(name, 'eq', null), rows)).toEqual(['c', 'd'])
    expect(keep(cmp(name, 'ne', null), rows)).toEqual(['a', 'b'])
    expect(keep(cmp(name, 'ne', 'Ada'), rows)).toEqual(['b', 'c', 'd'])
    expect(keep(cmp(active, 'eq', false), rows)).toEqual(['b'])
    expect(keep(cmp(active, 'ne', true), rows)).toEqual(['b', 'c', 'd'])
  })

  it('makes ordered comparisons false when either side is null', () => {
    for (const op of ['lt', 'lte', 'gt', 'gte'] as const) {
      expect(keep(cmp(amount, op, null), rows)).toEqual([])
      const kept = keep(cmp(amount, op, 0), rows)
      expect(kept).not.toContain('c')
      expect(kept).not.toContain('d')
    }
    expect(keep(cmp(amount, 'lt', 0), rows)).toEqual(['b'])
    expect(keep(cmp(amount, 'gte', 10), rows)).toEqual(['a'])
    expect(keep(cmp(score, 'gt', -0.25), rows)).toEqual(['a'])
    expect(keep(cmp(score, 'lte', -0.25), rows)).toEqual(['b'])
    expect(keep(cmp(active, 'gt', false), rows)).toEqual(['a'])
  })

  it('compares strings case-sensitively by code point', () => {
    expect(keep(cmp(name, 'eq', 'ada'), rows)).toEqual(['b'])
    // 'A' (U+0041) < 'a' (U+0061)
    expect(keep(cmp(name, 'lt', 'a'), rows)).toEqual(['a'])
    const astral: StorageRow[] = [
      { id: 'emoji', name: '\u{1F600}' },
      { id: 'fullwidth', name: '\uFF5E' },
    ]
    // By UTF-16 code unit the emoji (0xD83D…) sorts below U+FF5E; by code point it is above.
    expect(keep(cmp(name, 'gt', '\uFF5E'), astral)).toEqual(['emoji'])
    expect(keep(cmp(name, 'lt', '\u{1F600}'), astral)).toEqual(['fullwidth'])
  })

  it('handles the extremes of safe integers', () => {
    const big: StorageRow[] = [
      { id: 'max', amount: Number.MAX_SAFE_INTEGER },
      { id: 'min', amount: Number.MIN_SAFE_INTEGER },
      { id: 'below', amount: Number.MAX_SAFE_INTEGER - 1 },
    ]
    expect(keep(cmp(amount, 'eq', 2 ** 53 - 1), big)).toEqual(['max'])
    expect(keep(cmp(amount, 'gt', 2 ** 53 - 2), big)).toEqual(['max'])
    expect(keep(cmp(amount, 'lt', -(2 ** 53) + 2), big)).toEqual(['min'])
  })

  it('compares datetime columns by instant to the millisecond', () => {
    const dated: StorageRow[] = [
      { id: 'early', closedAt: new Date('2025-01-01T00:00:00.001Z') },
      { id: 'late', closedAt: new Date('2025-01-01T00:00:00.002Z') },
      { id: 'none', closedAt: null },
    ]
    expect(keep(cmp(closedAt, 'eq', new Date('2025-01-01T00:00:00.002Z')), dated)).toEqual(['late'])
    expect(keep(cmp(closedAt, 'lt', new Date('2025-01-01T00:00:00.002Z')), dated)).toEqual(['early'])
    expect(keep(cmp(closedAt, 'ne', new Date('2025-01-01T00:00:00.002Z')), dated)).toEqual(['early', 'none'])
    expect(keep(cmp(closedAt, 'gte', new Date('2025-01-01T00:00:00.001Z')), dated)).toEqual(['early', 'late'])
  })

  it('compares date columns as YYYY-MM-DD strings', () => {
    const dated: StorageRow[] = [
      { id: 'jan', closeDate: '2025-01-31' },
      { id: 'feb', closeDate: '2025-02-01' },
    ]
    expect(keep(cmp(closeDate, 'gt', '2025-01-31'), dated)).toEqual(['feb'])
    expect(keep(cmp(closeDate, 'lte', '2025-01-31'), dated)).toEqual(['jan'])
  })

  it('never equates or orders values of different kinds, and never throws', () => {
    const odd: StorageRow[] = [
      { id: 'num', amount: 5 },
      { id: 'str', amount: '5' },
      { id: 'bool', amount: true },
      { id: 'date', amount: new Date(5) },
      { id: 'obj', amount: { n: 5 } },
      { id: 'arr', amount: [5] },
    ]
    expect(keep(cmp(amount, 'eq', 5), odd)).toEqual(['num'])
    expect(keep(cmp(amount, 'ne', 5), odd)).toEqual(['str', 'bool', 'date', 'obj', 'arr'])
    expect(keep(cmp(amount, 'gte', 5), odd)).toEqual(['num'])
    expect(keep(cmp(amount, 'lt', '6'), odd)).toEqual(['str'])
    expect(keep(cmp(amount, 'eq', new Date(5)), odd)).toEqual(['date'])
    expect(keep(cmp(amount, 'eq', { n: 5 }), odd)).toEqual(['obj'])
    expect(keep(cmp(amount, 'eq', [5]), odd)).toEqual(['arr'])
    expect(keep(cmp(amount, 'gt', [1]), odd)).toEqual([])
  })
})

describe('JSON paths', () => {
  const rows: StorageRow[] = [
    { id: 'gold', custom: { tier: 'gold', plan: { seats: 5 }, renewsAt: '2025-03-01T00:00:00.000Z' } },
    { id: 'explicitNull', custom: { tier: null, plan: { seats: null } } },
    { id: 'missingKey', custom: { plan: {} } },
    { id: 'notAnObject', custom: { tier: 'x', plan: 7 } },
    { id: 'nullColumn', custom: null },
    { id: 'arrayPlan', custom: { plan: [{ seats: 5 }] } },
  ]

  it('reads a missing key, a null key and a path through a non-object all as null', () => {
    expect(keep(cmp(seats, 'eq', null), rows)).toEqual([
      'explicitNull',
      'missingKey',
      'notAnObject',
      'nullColumn',
      'arrayPlan',
    ])
    expect(keep({ kind: 'isNull', ref: tier, isNull: true }, rows)).toEqual([
      'explicitNull',
      'missingKey',
      'nullColumn',
      'arrayPlan',
    ])
    expect(keep(cmp(seats, 'gte', 5), rows)).toEqual(['gold'])
  })

  it('never follows inherited properties', () => {
    const proto: FieldRef = { field: 'custom', path: ['constructor'], type: 'json' }
    expect(matches({ kind: 'isNull', ref: proto, isNull: true }, { id: 'x', custom: {} })).toBe(true)
    expect(matches({ kind: 'isNull', ref: { field: 'toString', type: 'string' }, isNull: true }, {})).toBe(
      true,
    )
  })

  it('compares datetime paths as ISO strings', () => {
    expect(keep(cmp(renewsAt, 'gt', '2025-02-28T23:59:59.999Z'), rows)).toEqual(['gold'])
    expect(keep(cmp(renewsAt, 'eq', '2025-03-01T00:00:00.000Z'), rows)).toEqual(['gold'])
  })
})

describe('in and nin', () => {
  const rows: StorageRow[] = [
    { id: 'a', name: 'a' },
    { id: 'b', name: 'b' },
    { id: 'n', name: null },
    { id: 'm' },
  ]
  const inList = (values: StorageValue[], negate = false): StorageFilter => ({
    kind: 'in',
    ref: name,
    values,
    negate,
  })

  it('matches members, with null as a possible member', () => {
    expect(keep(inList(['a', 'z']), rows)).toEqual(['a'])
    expect(keep(inList(['a', null]), rows)).toEqual(['a', 'n', 'm'])
    expect(keep(inList([]), rows)).toEqual([])
  })

  it('makes nin the exact negation of in, so null is nin a list without null', () => {
    expect(keep(inList(['a', 'z'], true), rows)).toEqual(['b', 'n', 'm'])
    expect(keep(inList(['a', null], true), rows)).toEqual(['b'])
    expect(keep(inList([], true), rows)).toEqual(['a', 'b', 'n', 'm'])
  })

  it('matches dates by instant and numbers by value, never across kinds', () => {
    const mixed: StorageRow[] = [
      { id: 'one', amount: 1 },
      { id: 'oneStr', amount: '1' },
      { id: 'date', amount: new Date(1) },
      { id: 'true', amount: true },
    ]
    expect(keep({ kind: 'in', ref: amount, values: [1, new Date(1)], negate: false }, mixed)).toEqual([
      'one',
      'date',
    ])
    expect(keep({ kind: 'in', ref: amount, values: [Number.NaN, '1', true], negate: false }, mixed)).toEqual([
      'oneStr',
      'true',
    ])
  })
})

describe('text', () => {
  const rows: StorageRow[] = [
    { id: 'upper', name: 'ACME Corp' },
    { id: 'lower', name: 'acme corp' },
    { id: 'accentUpper', name: 'École' },
    { id: 'accentLower', name: 'école' },
    { id: 'combining', name: 'e\u0301cole' },
    { id: 'emoji', name: 'rocket \u{1F680} launch' },
    { id: 'null', name: null },
    { id: 'number', name: 42 },
  ]
  const text = (
    op: 'contains' | 'startsWith' | 'endsWith',
    value: string,
    caseInsensitive = false,
  ): StorageFilter => ({ kind: 'text', ref: name, op, value, caseInsensitive })

  it('is case-sensitive by default and false on null and non-strings', () => {
    expect(keep(text('contains', 'acme'), rows)).toEqual(['lower'])
    expect(keep(text('startsWith', 'AC'), rows)).toEqual(['upper'])
    expect(keep(text('endsWith', 'Corp'), rows)).toEqual(['upper'])
    expect(keep(text('contains', '4'), rows)).toEqual([])
    expect(keep(text('contains', ''), rows)).not.toContain('null')
  })

  it('folds ASCII letters only when case-insensitive', () => {
    expect(keep(text('contains', 'Acme CORP', true), rows)).toEqual(['upper', 'lower'])
    // 'É' and 'é' are not ASCII: they never fold onto each other.
    expect(keep(text('startsWith', 'é', true), rows)).toEqual(['accentLower'])
    expect(keep(text('startsWith', 'É', true), rows)).toEqual(['accentUpper'])
    expect(keep(text('endsWith', 'COLE', true), rows)).toEqual(['accentUpper', 'accentLower', 'combining'])
    expect(foldAsciiCase('ÀBÇdÉ')).toBe('ÀbÇdÉ')
  })

  it('does not normalise: a combining accent is not the precomposed character', () => {
    expect(keep(text('startsWith', 'é'), rows)).toEqual(['accentLower'])
    expect(keep(text('startsWith', 'e\u0301'), rows)).toEqual(['combining'])
  })

  it('matches astral characters whole', () => {
    expect(keep(text('contains', '\u{1F680} l'), rows)).toEqual(['emoji'])
  })
})

describe('array refs', () => {
  const rows: StorageRow[] = [
    { id: 'vip', tags: ['vip', 'beta'] },
    { id: 'beta', tags: ['beta'] },
    { id: 'empty', tags: [] },
    { id: 'null', tags: null },
    { id: 'missing' },
    { id: 'scalar', tags: 'vip' },
    { id: 'withNull', tags: [null, 'alpha'] },
  ]

  it('tests membership with eq and in, and emptiness with null', () => {
    expect(keep(cmp(tags, 'eq', 'vip'), rows)).toEqual(['vip', 'scalar'])
    expect(keep(cmp(tags, 'ne', 'vip'), rows)).toEqual(['beta', 'empty', 'null', 'missing', 'withNull'])
    expect(keep(cmp(tags, 'eq', null), rows)).toEqual(['empty', 'null', 'missing'])
    expect(keep({ kind: 'isNull', ref: tags, isNull: true }, rows)).toEqual(['empty', 'null', 'missing'])
    expect(keep({ kind: 'isNull', ref: tags, isNull: false }, rows)).toEqual([
      'vip',
      'beta',
      'scalar',
      'withNull',
    ])
    expect(keep({ kind: 'in', ref: tags, values: ['alpha', null], negate: false }, rows)).toEqual([
      'empty',
      'null',
      'missing',
      'withNull',
    ])
    expect(keep({ kind: 'in', ref: tags, values: ['beta'], negate: true }, rows)).toEqual([
      'empty',
      'null',
      'missing',
      'scalar',
      'withNull',
    ])
  })

  it('applies text and ordered tests to some element', () => {
    expect(
      keep({ kind: 'text', ref: tags, op: 'startsWith', value: 'BE', caseInsensitive: true }, rows),
    ).toEqual(['vip', 'beta'])
    expect(keep(cmp(tags, 'lt', 'b'), rows)).toEqual(['withNull'])
  })
})

describe('logic and exists', () => {
  const yes: StorageFilter = { kind: 'const', value: true }
  const no: StorageFilter = { kind: 'const', value: false }

  it('treats empty and as true, empty or as false and not as negation', () => {
    expect(matches({ kind: 'and', filters: [] }, {})).toBe(true)
    expect(matches({ kind: 'or', filters: [] }, {})).toBe(false)
    expect(matches({ kind: 'and', filters: [yes, no] }, {})).toBe(false)
    expect(matches({ kind: 'or', filters: [no, yes] }, {})).toBe(true)
    expect(matches({ kind: 'not', filter: { kind: 'and', filters: [yes, yes, yes] } }, {})).toBe(false)
    // not(lt null) is true: two-valued logic, not SQL's three-valued UNKNOWN.
    expect(matches({ kind: 'not', filter: cmp(amount, 'lt', 5) }, { amount: null })).toBe(true)
  })

  it('evaluates exists over the related rows the caller supplies', () => {
    const deals: ResolvedRelation = {
      kind: 'direct',
      model: 'deal',
      localField: 'id',
      relatedField: 'companyId',
    }
    const dealRows: StorageRow[] = [
      { id: 'deal_1', companyId: 'com_1', status: 'open' },
      { id: 'deal_2', companyId: 'com_1', status: 'won' },
      { id: 'deal_3', companyId: 'com_2', status: 'lost' },
    ]
    const asked: string[] = []
    const related = (relation: ResolvedRelation, row: StorageRow) => {
      expect(relation).toBe(deals)
      asked.push(String(row['id']))
      return dealRows.filter((deal) => deal['companyId'] === row['id'])
    }
    const hasOpenDeal = compileStorageFilter(
      {
        kind: 'exists',
        relation: deals,
        filter: cmp({ field: 'status', type: 'string' }, 'eq', 'open'),
      },
      { related },
    )
    expect(hasOpenDeal({ id: 'com_1' })).toBe(true)
    expect(hasOpenDeal({ id: 'com_2' })).toBe(false)
    expect(hasOpenDeal({ id: 'com_3' })).toBe(false)
    expect(asked).toEqual(['com_1', 'com_2', 'com_3'])
  })

  it('rejects unknown node kinds with INVALID_FILTER', () => {
    const bogus = { kind: 'xor', filters: [] } as unknown as StorageFilter
    let caught: unknown
    try {
      compileStorageFilter(bogus, noRelations)
    } catch (err) {
      caught = err
    }
    expect(isRapportError(caught, 'INVALID_FILTER')).toBe(true)
  })
})
