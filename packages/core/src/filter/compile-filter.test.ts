import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RapportError } from '../errors/rapport-error.js'
import { isRapportError } from '../errors/rapport-error.js'
import type { FieldRef, ResolvedRelation, StorageFilter, StorageRow } from '../storage/storage-filter.js'
import { compileFilter, validateFilter } from './compile-filter.js'
import { createFilterPredicate } from './create-filter-predicate.js'
import type { FilterContext, FilterTarget } from './filter-target.js'
import type { Filter } from './filter-types.js'

/** A hand-built target: a map of public paths to refs, and relations to other hand-built targets. */
function makeTarget(
  entity: string,
  fields: Record<string, FieldRef>,
  relations: () => Record<string, { relation: ResolvedRelation; target: FilterTarget }> = () => ({}),
): FilterTarget {
  return {
    entity,
    resolveField: (path) => (Object.hasOwn(fields, path) ? fields[path] : undefined),
    resolveRelation: (name) => {
      const all = relations()
      return Object.hasOwn(all, name) ? all[name] : undefined
    },
    fieldPaths: () => Object.keys(fields),
  }
}

const dealsRelation: ResolvedRelation = {
  kind: 'direct',
  model: 'deal',
  localField: 'id',
  relatedField: 'contactId',
}
const dealTarget = makeTarget('deal', {
  status: { field: 'status', type: 'string' },
  amountMinor: { field: 'amountMinor', type: 'integer' },
  contactId: { field: 'contactId', type: 'string' },
})
const contactTarget = makeTarget(
  'contact',
  {
    id: { field: 'id', type: 'string' },
    firstName: { field: 'firstName', type: 'string' },
    lastName: { field: 'lastName', type: 'string' },
    notes: { field: 'notes', type: 'text' },
    ownerId: { field: 'ownerId', type: 'string' },
    tenantId: { field: 'tenantId', type: 'string' },
    score: { field: 'score', type: 'number' },
    visits: { field: 'visits', type: 'integer' },
    vip: { field: 'vip', type: 'boolean' },
    createdAt: { field: 'createdAt', type: 'datetime' },
    birthday: { field: 'birthday', type: 'date' },
    tags: { field: 'tags', type: 'string', array: true },
    profile: { field: 'profile', type: 'json' },
    'custom.tier': { field: 'custom', path: ['tier'], type: 'string' },
    'custom.renewsAt': { field: 'custom', path: ['renewsAt'], type: 'datetime' },
    'custom.seats': { field: 'custom', path: ['seats'], type: 'integer' },
  },
  () => ({ deals: { relation: dealsRelation, target: dealTarget } }),
)

const now = new Date('2025-03-31T12:00:00.000Z')
const context: FilterContext = {
  now,
  tenantId: 'ten_1',
  actor: { id: 'usr_1', team: { id: 'team_9' }, level: 3 },
  vars: { region: 'emea', limit: 10, nothing: null, list: ['a'], when: new Date('2025-01-01T00:00:00.000Z') },
}

const compile = (filter: unknown, ctx: FilterContext = context) => compileFilter(filter, contactTarget, ctx)

/** Runs `fn`, expects a RapportError with `code`, and returns it. */
function expectError(fn: () => unknown, code = 'INVALID_FILTER'): RapportError {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  expect(isRapportError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true)
  return caught as RapportError
}

function expectInvalid(
  filter: unknown,
  path: string,
  reason: RegExp,
  ctx: FilterContext = context,
): RapportError {
  const err = expectError(() => compile(filter, ctx))
  expect(err.details['path']).toBe(path)
  expect(String(err.details['reason'])).toMatch(reason)
  expect(err.message).toContain(String(err.details['reason']))
  return err
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

describe('compileFilter: conditions', () => {
  it('resolves fields to refs and keeps literal values', () => {
    expect(compile({ field: 'firstName', op: 'eq', value: 'Ada' })).toEqual({
      kind: 'compare',
      ref: { field: 'firstName', type: 'string' },
      op: 'eq',
      value: 'Ada',
    })
    expect(compile({ field: 'custom.tier', op: 'in', value: ['gold', null] })).toEqual({
      kind: 'in',
      ref: { field: 'custom', path: ['tier'], type: 'string' },
      values: ['gold', null],
      negate: false,
    })
    expect(compile({ field: 'tags', op: 'nin', value: ['vip'] })).toMatchObject({ kind: 'in', negate: true })
    expect(compile({ field: 'notes', op: 'contains', value: 'call' })).toMatchObject({
      kind: 'text',
      op: 'contains',
      value: 'call',
      caseInsensitive: false,
    })
    expect(
      compile({ field: 'lastName', op: 'startsWith', value: 'lo', caseInsensitive: true }),
    ).toMatchObject({
      kind: 'text',
      caseInsensitive: true,
    })
    expect(compile({ field: 'vip', op: 'isNull', value: false })).toEqual({
      kind: 'isNull',
      ref: { field: 'vip', type: 'boolean' },
      isNull: false,
    })
  })

  it('turns eq null and ne null into isNull', () => {
    expect(compile({ field: 'ownerId', op: 'eq', value: null })).toEqual({
      kind: 'isNull',
      ref: { field: 'ownerId', type: 'string' },
      isNull: true,
    })
    expect(compile({ field: 'ownerId', op: 'ne', value: null })).toMatchObject({
      kind: 'isNull',
      isNull: false,
    })
    expect(compile({ field: 'ownerId', op: 'eq', value: { $var: 'vars.nothing' } })).toMatchObject({
      kind: 'isNull',
      isNull: true,
    })
  })

  it('desugars between into gte and lte', () => {
    expect(compile({ field: 'visits', op: 'between', value: [2, 5] })).toEqual({
      kind: 'and',
      filters: [
        { kind: 'compare', ref: { field: 'visits', type: 'integer' }, op: 'gte', value: 2 },
        { kind: 'compare', ref: { field: 'visits', type: 'integer' }, op: 'lte', value: 5 },
      ],
    })
  })

  it('normalises empty lists and groups to constants', () => {
    expect(compile({ field: 'ownerId', op: 'in', value: [] })).toEqual({ kind: 'const', value: false })
    expect(compile({ field: 'ownerId', op: 'nin', value: [] })).toEqual({ kind: 'const', value: true })
    expect(compile({ and: [] })).toEqual({ kind: 'const', value: true })
    expect(compile({ or: [] })).toEqual({ kind: 'const', value: false })
    expect(compile({ or: [{ field: 'vip', op: 'eq', value: true }] })).toMatchObject({ kind: 'compare' })
  })

  it('compiles not and nested groups', () => {
    const where = compile({
      not: {
        or: [
          { field: 'vip', op: 'eq', value: true },
          { field: 'score', op: 'gt', value: 0.5 },
        ],
      },
    })
    expect(where).toMatchObject({
      kind: 'not',
      filter: { kind: 'or', filters: [{ op: 'eq' }, { op: 'gt' }] },
    })
  })

  it('does not modify the filter it is given', () => {
    const filter = deepFreeze({
      and: [
        { field: 'createdAt', op: 'gte', value: '2025-01-01T00:00:00+02:00' },
        { field: 'visits', op: 'between', value: [1, 2] },
        { field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } },
      ],
    })
    const before = JSON.stringify(filter)
    compile(filter)
    expect(JSON.stringify(filter)).toBe(before)
  })
})

describe('compileFilter: value types', () => {
  it('accepts Dates and ISO strings for datetime columns and produces Dates', () => {
    const when = new Date('2025-01-02T03:04:05.678Z')
    expect(compile({ field: 'createdAt', op: 'lt', value: when })).toMatchObject({ value: when })
    expect(compile({ field: 'createdAt', op: 'lt', value: '2025-01-02T05:04:05.678+02:00' })).toMatchObject({
      value: when,
    })
    expect(compile({ field: 'createdAt', op: 'eq', value: '2025-01-02' })).toMatchObject({
      value: new Date('2025-01-02T00:00:00.000Z'),
    })
    // Fractions beyond milliseconds are truncated: Rapport stores milliseconds.
    expect(compile({ field: 'createdAt', op: 'eq', value: '2025-01-02T03:04:05.678999Z' })).toMatchObject({
      value: when,
    })
  })

  it('produces normalised ISO strings with milliseconds for datetime JSON paths', () => {
    expect(compile({ field: 'custom.renewsAt', op: 'gte', value: '2025-01-02T03:04Z' })).toMatchObject({
      value: '2025-01-02T03:04:00.000Z',
    })
    expect(
      compile({ field: 'custom.renewsAt', op: 'gte', value: new Date(Date.UTC(2025, 0, 2)) }),
    ).toMatchObject({
      value: '2025-01-02T00:00:00.000Z',
    })
  })

  it('rejects date-times without an offset, impossible dates and out-of-range years', () => {
    expectInvalid({ field: 'createdAt', op: 'eq', value: '2025-01-02T03:04:05' }, 'value', /ISO-8601/)
    expectInvalid({ field: 'createdAt', op: 'eq', value: '2025-02-29T00:00:00Z' }, 'value', /ISO-8601/)
    expectInvalid({ field: 'createdAt', op: 'eq', value: 'yesterday' }, 'value', /ISO-8601/)
    expectInvalid(
      { field: 'createdAt', op: 'eq', value: new Date(Date.UTC(10_000, 0, 1)) },
      'value',
      /0000–9999/,
    )
    expectInvalid({ field: 'createdAt', op: 'eq', value: new Date(Number.NaN) }, 'value', /invalid/)
    expectInvalid({ field: 'createdAt', op: 'eq', value: 1_700_000_000_000 }, 'value', /got a number/)
  })

  it('checks calendar dates', () => {
    expect(compile({ field: 'birthday', op: 'eq', value: '2024-02-29' })).toMatchObject({
      value: '2024-02-29',
    })
    expectInvalid({ field: 'birthday', op: 'eq', value: '2025-02-29' }, 'value', /calendar date/)
    expectInvalid({ field: 'birthday', op: 'eq', value: '2025-1-2' }, 'value', /calendar date/)
    expectInvalid({ field: 'birthday', op: 'eq', value: '2025-01-02T00:00:00Z' }, 'value', /calendar date/)
    expect(
      compile({ field: 'birthday', op: 'eq', value: new Date('2025-01-02T23:59:59.999Z') }),
    ).toMatchObject({
      value: '2025-01-02',
    })
  })

  it('checks integers, numbers, booleans and strings', () => {
    expect(compile({ field: 'visits', op: 'eq', value: 2 ** 53 - 1 })).toMatchObject({ value: 2 ** 53 - 1 })
    expect(compile({ field: 'visits', op: 'eq', value: -(2 ** 53 - 1) })).toMatchObject({
      value: -(2 ** 53 - 1),
    })
    expectInvalid({ field: 'visits', op: 'eq', value: 2 ** 53 }, 'value', /safe integer/)
    expectInvalid({ field: 'visits', op: 'eq', value: 1.5 }, 'value', /safe integer/)
    expectInvalid({ field: 'custom.seats', op: 'in', value: [1, '2'] }, 'value[1]', /got a string/)
    expect(compile({ field: 'score', op: 'lt', value: -0.5 })).toMatchObject({ value: -0.5 })
    expectInvalid({ field: 'score', op: 'lt', value: Number.POSITIVE_INFINITY }, 'value', /finite/)
    expectInvalid({ field: 'score', op: 'lt', value: Number.NaN }, 'value', /finite/)
    expectInvalid({ field: 'vip', op: 'eq', value: 'true' }, 'value', /expected a boolean, got a string/)
    expectInvalid({ field: 'firstName', op: 'eq', value: 1 }, 'value', /expected a string, got a number/)
    expectInvalid({ field: 'firstName', op: 'eq', value: ['Ada'] }, 'value', /got an array/)
    expectInvalid({ field: 'profile', op: 'eq', value: new Date(0) }, 'value', /got a Date/)
  })

  it('refuses comparisons that could never match or have no portable meaning', () => {
    expectInvalid({ field: 'visits', op: 'lt', value: null }, 'value', /use isNull/)
    expectInvalid({ field: 'visits', op: 'between', value: [1, null] }, 'value[1]', /use isNull/)
    expectInvalid({ field: 'visits', op: 'contains', value: '1' }, 'op', /needs a string field/)
    expectInvalid({ field: 'tags', op: 'contains', value: 'v' }, 'op', /needs a string field.*array/)
    expectInvalid({ field: 'tags', op: 'gt', value: 'v' }, 'op', /not supported.*array/)
    expectInvalid({ field: 'profile', op: 'lte', value: 1 }, 'op', /not supported/)
    expectInvalid({ field: 'firstName', op: 'contains', value: { $ago: { days: 1 } } }, 'value', /string/)
    expectInvalid({ field: 'firstName', op: 'contains', value: 5 }, 'value', /string/)
    expectInvalid(
      { field: 'firstName', op: 'contains', value: { $var: 'vars.nothing' } },
      'value',
      /got null/,
    )
  })
})

describe('compileFilter: placeholders', () => {
  it('binds now, tenantId, actor.* and vars.*', () => {
    expect(compile({ field: 'createdAt', op: 'lte', value: { $var: 'now' } })).toMatchObject({ value: now })
    expect(compile({ field: 'tenantId', op: 'eq', value: { $var: 'tenantId' } })).toMatchObject({
      value: 'ten_1',
    })
    expect(compile({ field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } })).toMatchObject({
      value: 'usr_1',
    })
    expect(compile({ field: 'ownerId', op: 'in', value: [{ $var: 'actor.team.id' }, 'x'] })).toMatchObject({
      values: ['team_9', 'x'],
    })
    expect(compile({ field: 'visits', op: 'gte', value: { $var: 'actor.level' } })).toMatchObject({
      value: 3,
    })
    expect(compile({ field: 'firstName', op: 'endsWith', value: { $var: 'vars.region' } })).toMatchObject({
      value: 'emea',
    })
    expect(compile({ field: 'custom.renewsAt', op: 'gt', value: { $var: 'vars.when' } })).toMatchObject({
      value: '2025-01-01T00:00:00.000Z',
    })
  })

  it('computes relative dates with calendar semantics in UTC', () => {
    expect(compile({ field: 'createdAt', op: 'gte', value: { $ago: { days: 30 } } })).toMatchObject({
      value: new Date('2025-03-01T12:00:00.000Z'),
    })
    // One month before March 31 clamps to the end of February (date-fns semantics).
    expect(compile({ field: 'createdAt', op: 'gte', value: { $ago: { months: 1 } } })).toMatchObject({
      value: new Date('2025-02-28T12:00:00.000Z'),
    })
    expect(
      compile({
        field: 'createdAt',
        op: 'lt',
        value: { $fromNow: { years: 1, weeks: 1, hours: 2, minutes: 5 } },
      }),
    ).toMatchObject({ value: new Date('2026-04-07T14:05:00.000Z') })
    expect(compile({ field: 'birthday', op: 'gte', value: { $ago: { days: 1 } } })).toMatchObject({
      value: '2025-03-30',
    })
    expect(compile({ field: 'custom.renewsAt', op: 'lt', value: { $fromNow: { days: 3 } } })).toMatchObject({
      value: '2025-04-03T12:00:00.000Z',
    })
  })

  it('does not depend on the host time zone, even across a daylight-saving change', () => {
    const previous = process.env['TZ']
    process.env['TZ'] = 'America/New_York'
    try {
      // 2025-03-10T03:30Z is 23:30 on March 9 in New York, the day clocks sprang forward; a local-time "one day
      // earlier" would land an hour off.
      const ctx = { ...context, now: new Date('2025-03-10T03:30:00.000Z') }
      expect(compile({ field: 'createdAt', op: 'gte', value: { $ago: { days: 1 } } }, ctx)).toMatchObject({
        value: new Date('2025-03-09T03:30:00.000Z'),
      })
      expect(compile({ field: 'createdAt', op: 'gte', value: { $ago: { months: 1 } } }, ctx)).toMatchObject({
        value: new Date('2025-02-10T03:30:00.000Z'),
      })
    } finally {
      if (previous === undefined) delete process.env['TZ']
      else process.env['TZ'] = previous
    }
  })

  it('rejects unknown, unbound and non-scalar variables', () => {
    expectInvalid(
      { field: 'ownerId', op: 'eq', value: { $var: 'user.id' } },
      'value.$var',
      /unknown variable/,
    )
    expectInvalid({ field: 'ownerId', op: 'eq', value: { $var: 'actor' } }, 'value.$var', /unknown variable/)
    expectInvalid({ field: 'ownerId', op: 'eq', value: { $var: 'vars.' } }, 'value.$var', /unknown variable/)
    expectInvalid(
      { field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } },
      'value.$var',
      /unbound: the filter context has no actor/,
      { now, tenantId: 'ten_1' },
    )
    expectInvalid({ field: 'ownerId', op: 'eq', value: { $var: 'vars.missing' } }, 'value.$var', /unbound/)
    expectInvalid(
      { field: 'ownerId', op: 'eq', value: { $var: 'vars.constructor' } },
      'value.$var',
      /unbound/,
    )
    expectInvalid({ field: 'ownerId', op: 'eq', value: { $var: 'vars.region.x' } }, 'value.$var', /unbound/)
    expectInvalid({ field: 'ownerId', op: 'eq', value: { $var: 'vars.list' } }, 'value.$var', /an array/)
    expectInvalid({ field: 'ownerId', op: 'eq', value: { $var: 'vars.limit' } }, 'value', /got a number/)
    expectInvalid({ field: 'ownerId', op: 'eq', value: { $var: 'now' } }, 'value', /relative date or now/)
  })

  it('rejects malformed placeholders', () => {
    expectInvalid(
      { field: 'createdAt', op: 'gte', value: { $ago: { dayz: 3 } } },
      'value.$ago.dayz',
      /unknown key/,
    )
    expectInvalid({ field: 'createdAt', op: 'gte', value: { $ago: { days: -3 } } }, 'value.$ago.days', /./)
    expectInvalid({ field: 'createdAt', op: 'gte', value: { $ago: { days: 1.5 } } }, 'value.$ago.days', /./)
    expectInvalid({ field: 'createdAt', op: 'gte', value: { $ago: {} } }, 'value.$ago', /at least one/)
    expectInvalid(
      { field: 'createdAt', op: 'gte', value: { $ago: { days: 1 }, x: 1 } },
      'value.x',
      /unknown key/,
    )
    expectInvalid(
      { field: 'createdAt', op: 'gte', value: { $fromNow: { years: 9000 } } },
      'value.$fromNow',
      /9999/,
    )
    expectInvalid({ field: 'createdAt', op: 'gte', value: { when: 'now' } }, 'value', /placeholder/)
  })

  it('rejects a context without a valid now', () => {
    expectError(
      () => compile({ field: 'vip', op: 'eq', value: true }, { now: new Date(Number.NaN), tenantId: 't' }),
      'INVALID_CONFIG',
    )
  })
})

describe('compileFilter: fields, relations and shape errors', () => {
  it('names unknown fields with close matches', () => {
    const err = expectInvalid(
      { and: [{ field: 'ownr', op: 'eq', value: 'x' }] },
      'and[0].field',
      /unknown field/,
    )
    expect(err.details['field']).toBe('ownr')
    expect(err.details['suggestions']).toEqual(['ownerId'])
    expect(err.message).toContain('did you mean "ownerId"?')
    const transposed = expectInvalid({ field: 'fisrtName', op: 'eq', value: 'x' }, 'field', /unknown field/)
    expect((transposed.details['suggestions'] as string[])[0]).toBe('firstName')
    const cased = expectInvalid({ field: 'LASTNAME', op: 'eq', value: 'x' }, 'field', /unknown field/)
    expect((cased.details['suggestions'] as string[])[0]).toBe('lastName')
    const nested = expectInvalid({ field: 'tier', op: 'eq', value: 'x' }, 'field', /unknown field/)
    expect(nested.details['suggestions']).toEqual(['custom.tier'])
    const far = expectInvalid(
      { field: 'zzzzzz', op: 'eq', value: 'x' },
      'field',
      /known fields: id, firstName/,
    )
    expect(far.details['suggestions']).toEqual([])
  })

  it('points at the exact bad part of a nested filter', () => {
    const filter = {
      and: [
        { field: 'vip', op: 'eq', value: true },
        { field: 'score', op: 'gt', value: 1 },
        { or: [{ field: 'visits', op: 'eq', value: 'many' }] },
      ],
    }
    expectInvalid(
      filter,
      'and[2].or[0].value',
      /field "visits" \(integer\): expected a safe integer, got a string/,
    )
    expectInvalid({ not: { field: 'vip', op: 'like', value: true } }, 'not.op', /unknown operator "like"/)
    expectInvalid(
      { and: [{ field: 'vip', op: 'eq', value: true, extra: 1 }] },
      'and[0].extra',
      /unknown key "extra"/,
    )
    expectInvalid({ and: [{ and: [] }], or: [] }, 'or', /unknown key "or"/)
    expectInvalid({ field: 'vip', op: 'eq' }, 'value', /required/)
    expectInvalid({ op: 'eq', value: 1 }, 'field', /required/)
    expectInvalid({ field: '', op: 'eq', value: 1 }, 'field', /field path is required/)
    expectInvalid({ field: 'vip', value: true }, 'op', /unknown operator/)
    expectInvalid({ field: 'vip', op: 'isNull', value: 'yes' }, 'value', /true or false/)
    expectInvalid({ field: 'tags', op: 'in', value: 'vip' }, 'value', /list of values/)
    expectInvalid({ field: 'visits', op: 'between', value: [1] }, 'value', /two values/)
    expectInvalid({ field: 'visits', op: 'between', value: [1, 2, 3] }, 'value', /two values/)
    expectInvalid({ and: {} }, 'and', /list of filters/)
    expectInvalid({ and: [null] }, 'and[0]', /expected a filter object, got null/)
    expectInvalid([], '', /expected a filter object, got an array/)
    expectInvalid('vip', '', /expected a filter object, got a string/)
    expectInvalid({}, '', /expected a condition/)
    expectInvalid({ not: [] }, 'not', /got an array/)
  })

  it('echoes only a short excerpt of hostile strings in messages and paths', () => {
    const hugeKey = 'k'.repeat(1_000_000)
    const key = expectError(() => compile({ field: 'vip', op: 'eq', value: true, [hugeKey]: 1 }))
    expect(key.details['path']).toBe(`${'k'.repeat(80)}…`)
    expect(key.message.length).toBeLessThan(300)
    const op = expectError(() => compile({ field: 'vip', op: 'o'.repeat(1_000_000), value: true }))
    expect(op.details['path']).toBe('op')
    expect(op.message.length).toBeLessThan(400)
    const field = expectError(() => compile({ field: 'f'.repeat(5000), op: 'eq', value: true }))
    expect(field.message.length).toBeLessThan(400)
  })

  it('compiles exists against the related target', () => {
    expect(
      compile({ exists: 'deals', where: { field: 'status', op: 'eq', value: 'open' } }),
    ).toEqual<StorageFilter>({
      kind: 'exists',
      relation: dealsRelation,
      filter: { kind: 'compare', ref: { field: 'status', type: 'string' }, op: 'eq', value: 'open' },
    })
    expect(compile({ exists: 'deals' })).toEqual({
      kind: 'exists',
      relation: dealsRelation,
      filter: { kind: 'const', value: true },
    })
    // Fields of the related entity, not of the contact, are visible inside `where`.
    expectInvalid(
      { and: [{ exists: 'deals', where: { field: 'firstName', op: 'eq', value: 'x' } }] },
      'and[0].where.field',
      /unknown field "firstName" on deal/,
    )
    expectInvalid({ exists: 'dealz' }, 'exists', /unknown relation "dealz" on contact/)
    expectInvalid({ exists: 'deals', where: null }, 'where', /got null/)
    expectInvalid({ exists: 'deals', filter: {} }, 'filter', /unknown key/)
  })

  it('compiles count to an inclusive range of counts', () => {
    const open: StorageFilter = {
      kind: 'compare',
      ref: { field: 'status', type: 'string' },
      op: 'eq',
      value: 'open',
    }
    const count = (
      min: number,
      max: number | null,
      filter: StorageFilter = { kind: 'const', value: true },
    ) => ({
      kind: 'count',
      relation: dealsRelation,
      filter,
      min,
      max,
    })
    expect(
      compile({ count: 'deals', where: { field: 'status', op: 'eq', value: 'open' }, op: 'gte', value: 2 }),
    ).toEqual(count(2, null, open))
    expect(compile({ count: 'deals', op: 'eq', value: 3 })).toEqual(count(3, 3))
    expect(compile({ count: 'deals', op: 'ne', value: 3 })).toEqual({ kind: 'not', filter: count(3, 3) })
    expect(compile({ count: 'deals', op: 'lt', value: 3 })).toEqual(count(0, 2))
    expect(compile({ count: 'deals', op: 'lte', value: 3 })).toEqual(count(0, 3))
    expect(compile({ count: 'deals', op: 'gt', value: 3 })).toEqual(count(4, null))
    expect(compile({ count: 'deals', op: 'between', value: [1, 4] })).toEqual(count(1, 4))
    // Comparisons every count satisfies, or none does, need no relation at all.
    expect(compile({ count: 'deals', op: 'gte', value: 0 })).toEqual({ kind: 'const', value: true })
    expect(compile({ count: 'deals', op: 'lt', value: 0 })).toEqual({ kind: 'const', value: false })
    expect(compile({ count: 'deals', op: 'gt', value: 2_147_483_647 })).toEqual({
      kind: 'const',
      value: false,
    })
    expect(compile({ count: 'deals', op: 'between', value: [0, 2_147_483_647] })).toEqual({
      kind: 'const',
      value: true,
    })
  })

  it('refuses a malformed count with a path into it', () => {
    expectInvalid({ count: 'dealz', op: 'gte', value: 1 }, 'count', /unknown relation "dealz" on contact/)
    expectInvalid({ count: 'deals', op: 'gte', value: -1 }, 'value', /whole number/)
    expectInvalid({ count: 'deals', op: 'gte', value: 2.5 }, 'value', /whole number/)
    expectInvalid({ count: 'deals', op: 'gte', value: 2_147_483_648 }, 'value', /whole number/)
    expectInvalid({ count: 'deals', op: 'gte', value: { $var: 'vars.limit' } }, 'value', /whole number/)
    expectInvalid({ count: 'deals', op: 'gte', value: [1, 2] }, 'value', /one whole number/)
    expectInvalid({ count: 'deals', op: 'between', value: 2 }, 'value', /\[from, to\]/)
    expectInvalid({ count: 'deals', op: 'between', value: [3, 2] }, 'value', /from <= to/)
    expectInvalid({ count: 'deals', op: 'contains', value: 1 }, 'op', /expected one of eq, ne/)
    expectInvalid({ count: 'deals', value: 1 }, 'op', /expected one of/)
    expectInvalid({ count: 'deals', op: 'eq' }, 'value', /required/)
    expectInvalid({ count: 'deals', op: 'eq', value: 1, vaule: 1 }, 'vaule', /unknown key/)
    expectInvalid(
      { not: { count: 'deals', op: 'eq', value: 1, where: { field: 'firstName', op: 'eq', value: 'x' } } },
      'not.where.field',
      /unknown field "firstName" on deal/,
    )
  })

  it('evaluates count exactly as counting the related rows that match', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('open', 'won', 'lost'), { maxLength: 6 }),
        fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between'),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 3 }),
        (statuses, op, n, width) => {
          const deals = statuses.map((status, i) => ({ id: `deal_${i}`, contactId: 'con_1', status }))
          const value = op === 'between' ? [n, n + width] : n
          const matches = createFilterPredicate(
            { count: 'deals', where: { field: 'status', op: 'eq', value: 'open' }, op, value },
            contactTarget,
            context,
            { related: () => deals },
          )
          const open = statuses.filter((s) => s === 'open').length
          const expected = {
            eq: open === n,
            ne: open !== n,
            lt: open < n,
            lte: open <= n,
            gt: open > n,
            gte: open >= n,
            between: open >= n && open <= n + width,
          }[op]
          expect(matches({ id: 'con_1' })).toBe(expected)
        },
      ),
    )
  })
})

describe('compileFilter: bounds', () => {
  const leaf = { field: 'vip', op: 'eq', value: true }

  function nest(depth: number, wrap: (inner: unknown) => unknown): unknown {
    let filter: unknown = leaf
    for (let i = 0; i < depth; i++) filter = wrap(filter)
    return filter
  }

  it('rejects a 5,000-deep tree with INVALID_FILTER, never a stack overflow', () => {
    for (const wrap of [
      (inner: unknown) => ({ not: inner }),
      (inner: unknown) => ({ and: [inner] }),
      (inner: unknown) => ({ or: [leaf, inner] }),
      (inner: unknown) => ({ exists: 'deals', where: inner }),
    ]) {
      const err = expectError(() => compile(nest(5000, wrap)))
      expect(err.details['limit']).toBe('maxDepth')
    }
  })

  it('accepts exactly maxDepth levels and rejects one more', () => {
    expect(() => compile(nest(32, (inner) => ({ not: inner })))).not.toThrow()
    expect(expectError(() => compile(nest(33, (inner) => ({ not: inner })))).details['limit']).toBe(
      'maxDepth',
    )
    const custom = (depth: number) =>
      compileFilter(
        nest(depth, (inner) => ({ and: [inner] })),
        contactTarget,
        context,
        { maxDepth: 3 },
      )
    expect(() => custom(3)).not.toThrow()
    expect(expectError(() => custom(4)).details['path']).toBe('and[0].and[0].and[0]')
  })

  it('rejects a million-node wide tree and a cyclic tree', () => {
    const wide = { and: Array.from({ length: 1_000_000 }, () => leaf) }
    const err = expectError(() => compile(wide))
    expect(err.details).toMatchObject({ path: 'and', limit: 'maxNodes', max: 1000 })
    const cyclic: { or: unknown[] } = { or: [] }
    for (let i = 0; i < 600; i++) cyclic.or.push(cyclic)
    expect(expectError(() => compile(cyclic)).details['limit']).toBe('maxNodes')
    const manyLeaves = { or: Array.from({ length: 999 }, () => leaf) }
    expect(() => compile(manyLeaves)).not.toThrow()
    expect(expectError(() => compile({ or: [...manyLeaves.or, leaf] })).details['limit']).toBe('maxNodes')
  })

  it('caps list lengths and string lengths before validating anything else', () => {
    const longList = { field: 'nope', op: 'in', value: Array.from({ length: 1001 }, (_, i) => i) }
    expect(expectError(() => compile(longList)).details).toMatchObject({
      path: 'value',
      limit: 'maxListLength',
    })
    const longString = { field: 'firstName', op: 'eq', value: 'x'.repeat(10_001) }
    expect(expectError(() => compile(longString)).details).toMatchObject({
      path: 'value',
      limit: 'maxStringLength',
    })
    const longField = { field: 'f'.repeat(10_001), op: 'eq', value: 1 }
    expect(expectError(() => compile(longField)).details).toMatchObject({
      path: 'field',
      limit: 'maxStringLength',
    })
    const longInList = { field: 'firstName', op: 'in', value: ['ok', 'y'.repeat(10_001)] }
    expect(expectError(() => compile(longInList)).details).toMatchObject({ path: 'value[1]' })
    const longVar = {
      field: 'firstName',
      op: 'eq',
      value: { $var: 'vars.region' },
    }
    expect(
      expectError(() =>
        compileFilter(
          longVar,
          contactTarget,
          { ...context, vars: { region: 'z'.repeat(50) } },
          { maxStringLength: 20 },
        ),
      ).details,
    ).toMatchObject({ path: 'value', limit: 'maxStringLength' })
  })

  it('rejects invalid limits as a configuration error', () => {
    expectError(() => compileFilter(leaf, contactTarget, context, { maxDepth: 0 }), 'INVALID_CONFIG')
    expectError(() => compileFilter(leaf, contactTarget, context, { maxNodes: 1.5 }), 'INVALID_CONFIG')
  })
})

describe('validateFilter', () => {
  it('checks everything that does not need a context', () => {
    const filter: unknown = {
      and: [
        { field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } },
        { field: 'visits', op: 'gte', value: { $var: 'vars.minimum' } },
        { field: 'createdAt', op: 'gte', value: { $ago: { days: 30 } } },
        { exists: 'deals', where: { field: 'status', op: 'in', value: ['open'] } },
      ],
    }
    validateFilter(filter, contactTarget)
    // The assertion narrows `unknown` to `Filter`.
    const typed: Filter = filter
    expect(typed).toBe(filter)
  })

  it('rejects what compileFilter would reject', () => {
    const cases: [unknown, string][] = [
      [{ field: 'ownr', op: 'eq', value: 'x' }, 'field'],
      [{ field: 'ownerId', op: 'eq', value: { $var: 'user.id' } }, 'value.$var'],
      [{ field: 'visits', op: 'eq', value: 'x' }, 'value'],
      [{ field: 'firstName', op: 'eq', value: { $var: 'now' } }, 'value'],
      [
        { or: [{ exists: 'deals', where: { field: 'amountMinor', op: 'gt', value: 0.5 } }] },
        'or[0].where.value',
      ],
    ]
    for (const [filter, path] of cases) {
      const err = expectError(() => validateFilter(filter, contactTarget))
      expect(err.details['path']).toBe(path)
    }
    expect(expectError(() => validateFilter({ not: leafDeep(40) }, contactTarget)).details['limit']).toBe(
      'maxDepth',
    )
  })
})

function leafDeep(depth: number): unknown {
  let filter: unknown = { field: 'vip', op: 'eq', value: true }
  for (let i = 0; i < depth; i++) filter = { not: filter }
  return filter
}

describe('createFilterPredicate', () => {
  const deals: StorageRow[] = [
    { id: 'deal_1', contactId: 'con_1', status: 'open', amountMinor: 500 },
    { id: 'deal_2', contactId: 'con_2', status: 'won', amountMinor: 900 },
  ]
  const contacts: StorageRow[] = [
    { id: 'con_1', ownerId: 'usr_1', createdAt: new Date('2025-03-20T00:00:00.000Z') },
    { id: 'con_2', ownerId: 'usr_1', createdAt: new Date('2025-01-20T00:00:00.000Z') },
    { id: 'con_3', ownerId: 'usr_2', createdAt: new Date('2025-03-30T00:00:00.000Z') },
  ]
  const related = (relation: ResolvedRelation, row: StorageRow) => {
    expect(relation).toEqual(dealsRelation)
    return deals.filter((deal) => deal['contactId'] === row['id'])
  }

  it('evaluates a public filter on rows with the storage semantics', () => {
    const mineWithOpenDeal = createFilterPredicate(
      {
        and: [
          { field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } },
          { exists: 'deals', where: { field: 'status', op: 'eq', value: 'open' } },
        ],
      },
      contactTarget,
      context,
      { related },
    )
    expect(contacts.filter(mineWithOpenDeal).map((row) => row['id'])).toEqual(['con_1'])
    const recent = createFilterPredicate(
      { field: 'createdAt', op: 'gte', value: { $ago: { days: 30 } } },
      contactTarget,
      context,
      { related },
    )
    expect(contacts.filter(recent).map((row) => row['id'])).toEqual(['con_1', 'con_3'])
    const olderThan15Days = createFilterPredicate(
      { field: 'createdAt', op: 'lt', value: { $ago: { days: 15 } } },
      contactTarget,
      context,
      { related },
    )
    expect(contacts.filter(olderThan15Days).map((row) => row['id'])).toEqual(['con_2'])
  })

  it('applies limits and throws INVALID_FILTER before evaluating anything', () => {
    const asked: unknown[] = []
    expectError(() =>
      createFilterPredicate({ or: [{ exists: 'deals' }, { exists: 'deals' }] }, contactTarget, context, {
        related: (relation) => {
          asked.push(relation)
          return []
        },
        limits: { maxNodes: 2 },
      }),
    )
    expect(asked).toEqual([])
  })
})
