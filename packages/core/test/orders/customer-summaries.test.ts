import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Order, OrderInput } from '../../src/entities/index.js'
import type { RapportError } from '../../src/index.js'
import { createCrm, definePlugin, isRapportError } from '../../src/index.js'
import type { OrderSummaries } from '../../src/services/index.js'
import { toBtydCustomers, toCalibrationHoldout, toRfmSummaryRows } from '../../src/services/index.js'
import type { FindManyArgs, OrderPeriodUnit, StorageAdapter } from '../../src/storage/index.js'
import { aggregateCustomerOrdersByScan, orderPeriodIndex } from '../../src/storage/index.js'
import { createMemoryStorage } from '../../src/testing/index.js'

async function expectError(promise: Promise<unknown>, code: string): Promise<RapportError> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error, code)) return error
    throw error
  }
  throw new Error(`expected ${code}, but the call succeeded`)
}

/** A memory adapter whose `findMany` calls on orders are recorded (limit asked, rows returned). */
function recordingStorage(extra: Partial<StorageAdapter> = {}) {
  const inner = scanningStorage()
  const calls: { limit: number | undefined; rows: number }[] = []
  const storage: StorageAdapter = {
    ...inner,
    async findMany(args: FindManyArgs) {
      const rows = await inner.findMany(args)
      if (args.model.name === 'order') calls.push({ limit: args.limit, rows: rows.length })
      return rows
    },
    ...extra,
  }
  return { storage, calls }
}

const probe = definePlugin({ id: 'probe', api: (ctx) => ctx.schema })

/**
 * The memory adapter without its in-adapter order aggregation, so core takes the streaming fallback these tests are
 * about (the memory adapter declares `orderAggregation` for the conformance kit).
 */
function scanningStorage(): StorageAdapter {
  const inner = createMemoryStorage()
  const { aggregateCustomerOrders: _unused, ...rest } = inner
  return { ...rest, capabilities: { ...inner.capabilities, orderAggregation: false } }
}

async function setup(storage: StorageAdapter = scanningStorage()) {
  const crm = createCrm({ storage, plugins: [probe] as const })
  await crm.migrate()
  const contacts = await crm.contacts.createMany(
    Array.from({ length: 4 }, (_, i) => ({ firstName: `C${i}` })),
  )
  const companies = await crm.companies.createMany(Array.from({ length: 2 }, (_, i) => ({ name: `Co${i}` })))
  const customers = [
    ...contacts.map((c) => ({ type: 'contact' as const, id: c.id })),
    ...companies.map((c) => ({ type: 'company' as const, id: c.id })),
  ]
  return { crm, customers }
}

const DAY = 86_400_000
const T0 = Date.UTC(2025, 0, 1)

interface Generated {
  customer: number
  dayOffset: number
  msOfDay: number
  amount: number
  status: 'completed' | 'pending' | 'canceled' | 'refunded'
  currency: 'EUR' | 'USD'
}

const orderArb = fc.record<Generated>({
  customer: fc.integer({ min: 0, max: 5 }),
  dayOffset: fc.integer({ min: 0, max: 120 }),
  msOfDay: fc.constantFrom(0, 1, 43_200_000, DAY - 1),
  amount: fc.integer({ min: -5_000, max: 100_000 }),
  status: fc.constantFrom('completed', 'completed', 'pending', 'canceled', 'refunded'),
  currency: fc.constantFrom('EUR', 'EUR', 'EUR', 'USD'),
})

/** The obvious implementation: hold every order, group, bucket. An independent oracle for the streaming one. */
function naive(
  orders: readonly (OrderInput & { occurredAt: Date })[],
  opts: {
    asOf: Date
    calibrationEnd?: Date
    unit: OrderPeriodUnit
    currency: string
    statuses: readonly string[]
  },
) {
  const calEnd = (opts.calibrationEnd ?? opts.asOf).getTime()
  const groups = new Map<string, (OrderInput & { occurredAt: Date })[]>()
  for (const o of orders) {
    if (o.amount.currency !== opts.currency || !opts.statuses.includes(o.status ?? 'completed')) continue
    if (o.occurredAt.getTime() > opts.asOf.getTime()) continue
    const key = `${o.customerType}\u0000${o.customerId}`
    groups.set(key, [...(groups.get(key) ?? []), o])
  }
  const out = []
  for (const list of groups.values()) {
    const cal = list.filter((o) => o.occurredAt.getTime() <= calEnd)
    const hold = list.filter((o) => o.occurredAt.getTime() > calEnd)
    if (cal.length === 0) continue
    const times = cal.map((o) => o.occurredAt.getTime())
    const periodOf = (o: { occurredAt: Date }) => orderPeriodIndex(o.occurredAt.getTime(), opts.unit)
    const periods = [...new Set(cal.map(periodOf))].sort((a, b) => a - b)
    const first = periods[0]!
    out.push({
      customerType: list[0]!.customerType,
      customerId: list[0]!.customerId,
      firstAt: new Date(Math.min(...times)),
      lastAt: new Date(Math.max(...times)),
      orders: cal.length,
      total: cal.reduce((s, o) => s + o.amount.amountMinor, 0),
      periods: periods.length,
      firstPeriod: first,
      lastPeriod: periods.at(-1)!,
      repeatTotal: cal.filter((o) => periodOf(o) !== first).reduce((s, o) => s + o.amount.amountMinor, 0),
      holdoutOrders: hold.length,
      holdoutPeriods: new Set(hold.map(periodOf)).size,
      holdoutTotal: hold.reduce((s, o) => s + o.amount.amountMinor, 0),
    })
  }
  return out.sort((a, b) =>
    a.customerType !== b.customerType
      ? a.customerType < b.customerType
        ? -1
        : 1
      : a.customerId < b.customerId
        ? -1
        : 1,
  )
}

describe('orderPeriodIndex', () => {
  it('numbers UTC days, Monday weeks and calendar months like @rapport/analytics', () => {
    expect(orderPeriodIndex(0, 'day')).toBe(0)
    expect(orderPeriodIndex(-1, 'day')).toBe(-1)
    expect(orderPeriodIndex(Date.UTC(1970, 0, 4, 23, 59), 'week')).toBe(0) // Sunday
    expect(orderPeriodIndex(Date.UTC(1970, 0, 5), 'week')).toBe(1) // Monday
    expect(orderPeriodIndex(Date.UTC(1969, 11, 28), 'week')).toBe(-1)
    expect(orderPeriodIndex(Date.UTC(2025, 1, 28, 23, 59, 59, 999), 'month')).toBe(2025 * 12 + 1)
    expect(orderPeriodIndex(Date.UTC(2025, 2, 1), 'month')).toBe(2025 * 12 + 2)
  })
})

describe('crm.orders.customerSummaries (streaming fallback on the memory adapter)', () => {
  it('equals the naive group-by on random orders, with and without a calibration split', async () => {
    const { crm, customers } = await setup()
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderArb, { maxLength: 60 }),
        fc.constantFrom<OrderPeriodUnit>('day', 'week', 'month'),
        fc.integer({ min: 10, max: 130 }),
        fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
        fc.constantFrom<Order['status'][]>(['completed'], ['completed', 'refunded'], ['pending', 'canceled']),
        async (generated, unit, asOfDay, splitBack, statuses) => {
          await crm.transaction(async (tx) => {
            for (const o of (await tx.orders.list({ limit: 1000 })).items) await tx.orders.delete(o.id)
          })
          const inputs = generated.map((g) => ({
            customerType: customers[g.customer]!.type,
            customerId: customers[g.customer]!.id,
            occurredAt: new Date(T0 + g.dayOffset * DAY + g.msOfDay),
            amount: { amountMinor: g.amount, currency: g.currency },
            status: g.status,
          }))
          if (inputs.length > 0) await crm.orders.createMany(inputs)
          const asOf = new Date(T0 + asOfDay * DAY + 43_200_000)
          const calibrationEnd =
            splitBack === undefined ? undefined : new Date(asOf.getTime() - splitBack * 7 * DAY - 1)
          const result = await crm.orders.customerSummaries({
            asOf,
            timeUnit: unit,
            currency: 'EUR',
            status: statuses,
            ...(calibrationEnd ? { calibrationEnd } : {}),
          })
          expect(result.source).toBe('scan')
          expect(result.customers).toEqual(
            naive(inputs, {
              asOf,
              unit,
              currency: 'EUR',
              statuses,
              ...(calibrationEnd ? { calibrationEnd } : {}),
            }),
          )
        },
      ),
      { numRuns: 60 },
    )
  }, 120_000)

  it('never asks for more than one page of orders and holds one running total per customer', async () => {
    const { storage, calls } = recordingStorage()
    const { crm, customers } = await setup(storage)
    const n = 2_345
    await crm.orders.createMany(
      Array.from({ length: n }, (_, i) => ({
        customerType: customers[i % customers.length]!.type,
        customerId: customers[i % customers.length]!.id,
        occurredAt: new Date(T0 + i * 3_600_000),
        amount: { amountMinor: 100 + (i % 7), currency: 'EUR' },
      })),
    )
    calls.length = 0
    const result = await crm.orders.customerSummaries({
      asOf: new Date(T0 + 400 * DAY),
      timeUnit: 'day',
      currency: 'EUR',
    })
    expect(result.customers).toHaveLength(customers.length)
    expect(result.customers.reduce((s, c) => s + c.orders, 0)).toBe(n)
    expect(calls.length).toBe(Math.ceil(n / 1000))
    for (const call of calls) {
      expect(call.limit).toBe(1000)
      expect(call.rows).toBeLessThanOrEqual(1000)
    }
  })

  it('streams with any page size and gets the same answer', async () => {
    const { crm, customers } = await setup()
    await crm.orders.createMany(
      Array.from({ length: 50 }, (_, i) => ({
        customerType: customers[i % 3]!.type,
        customerId: customers[i % 3]!.id,
        occurredAt: new Date(T0 + (i % 10) * DAY),
        amount: { amountMinor: i, currency: 'EUR' },
      })),
    )
    const schema = crm.plugins.probe
    const reference = await crm.orders.customerSummaries({
      asOf: new Date(T0 + 20 * DAY),
      timeUnit: 'week',
      currency: 'EUR',
    })
    for (const pageSize of [1, 2, 7, 49, 50, 51]) {
      const rows = await aggregateCustomerOrdersByScan(
        crm.storage,
        {
          model: schema.models['order']!,
          tenantId: crm.tenantId,
          schema,
          where: { kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true },
          fields: {
            customerType: 'customerType',
            customerId: 'customerId',
            occurredAt: 'occurredAt',
            amount: 'amountMinor',
          },
          unit: 'week',
          calibrationEnd: new Date(T0 + 20 * DAY),
        },
        { pageSize },
      )
      expect(rows.length).toBe(reference.customers.length)
      expect(new Set(rows.map((r) => r.customerId))).toEqual(
        new Set(reference.customers.map((c) => c.customerId)),
      )
      for (const row of rows) {
        expect(row).toEqual(reference.customers.find((c) => c.customerId === row.customerId))
      }
    }
  })

  it('uses the adapter aggregation when the capability says so', async () => {
    const inner = createMemoryStorage()
    let called = 0
    const storage: StorageAdapter = {
      ...inner,
      capabilities: { ...inner.capabilities, orderAggregation: true },
      async aggregateCustomerOrders(args) {
        called++
        return aggregateCustomerOrdersByScan(inner, args)
      },
    }
    const { crm, customers } = await setup(storage)
    await crm.orders.create({
      customerType: customers[0]!.type,
      customerId: customers[0]!.id,
      occurredAt: new Date(T0),
      amount: { amountMinor: 10, currency: 'EUR' },
    })
    const result = await crm.orders.customerSummaries({
      asOf: new Date(T0 + DAY),
      timeUnit: 'day',
      currency: 'EUR',
    })
    expect(called).toBe(1)
    expect(result.source).toBe('storage')
    expect(result.customers).toHaveLength(1)
  })

  it('applies customerType, where and skips archived orders', async () => {
    const { crm, customers } = await setup()
    const mk = (c: number, day: number, amountMinor: number) => ({
      customerType: customers[c]!.type,
      customerId: customers[c]!.id,
      occurredAt: new Date(T0 + day * DAY),
      amount: { amountMinor, currency: 'EUR' },
    })
    const [, archived] = await crm.orders.createMany([
      mk(0, 1, 100),
      mk(0, 2, 200),
      mk(4, 3, 50),
      mk(1, 3, 5),
    ])
    await crm.orders.archive(archived!.id)
    const asOf = new Date(T0 + 10 * DAY)
    const all = await crm.orders.customerSummaries({ asOf, timeUnit: 'day', currency: 'EUR' })
    const contactRows = [
      [customers[0]!.id, 100],
      [customers[1]!.id, 5],
    ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1))
    // Sorted by customerType ('company' < 'contact'), then customerId; the archived order does not count.
    expect(all.customers.map((c) => [c.customerId, c.total])).toEqual([
      [customers[4]!.id, 50],
      ...contactRows,
    ])
    const companies = await crm.orders.customerSummaries({
      asOf,
      timeUnit: 'day',
      currency: 'EUR',
      customerType: 'company',
    })
    expect(companies.customers.map((c) => c.customerId)).toEqual([customers[4]!.id])
    const big = await crm.orders.customerSummaries({
      asOf,
      timeUnit: 'day',
      currency: 'EUR',
      where: { field: 'amount.amountMinor', op: 'gte', value: 50 },
    })
    expect(big.customers.map((c) => c.customerId).sort()).toEqual([customers[0]!.id, customers[4]!.id].sort())
  })

  it('rejects bad options with VALIDATION_FAILED or INVALID_FILTER and leaves the orders alone', async () => {
    const { crm, customers } = await setup()
    const order = await crm.orders.create({
      customerType: customers[0]!.type,
      customerId: customers[0]!.id,
      occurredAt: new Date(T0),
      amount: { amountMinor: 10, currency: 'EUR' },
    })
    const base = { asOf: new Date(T0 + DAY), timeUnit: 'day' as const, currency: 'EUR' }
    const bad: [unknown, string, string][] = [
      [{ ...base, currency: undefined }, 'VALIDATION_FAILED', 'options.currency'],
      [{ ...base, currency: 'eur' }, 'VALIDATION_FAILED', 'options.currency'],
      [{ ...base, timeUnit: 'hour' }, 'VALIDATION_FAILED', 'options.timeUnit'],
      [{ ...base, asOf: 'yesterday' }, 'VALIDATION_FAILED', 'options.asOf'],
      [{ ...base, status: [] }, 'VALIDATION_FAILED', 'options.status'],
      [{ ...base, status: ['shipped'] }, 'VALIDATION_FAILED', 'options.status.0'],
      [{ ...base, calibrationEnd: base.asOf }, 'VALIDATION_FAILED', 'options.calibrationEnd'],
      [{ ...base, extra: 1 }, 'VALIDATION_FAILED', 'options'],
      [{ ...base, where: { field: 'nope', op: 'eq', value: 1 } }, 'INVALID_FILTER', ''],
    ]
    for (const [options, code, path] of bad) {
      const err = await expectError(crm.orders.customerSummaries(options as never), code)
      if (code === 'VALIDATION_FAILED') expect(err.issues[0]?.path.join('.')).toBe(path)
    }
    expect(await crm.orders.list()).toEqual({ items: [order], nextCursor: null, hasMore: false })
  })
})

describe('mapping summaries to @rapport/analytics inputs', () => {
  const summaries: OrderSummaries = {
    asOf: new Date('2024-03-01T00:00:00.000Z'),
    calibrationEnd: null,
    timeUnit: 'day',
    currency: 'EUR',
    endPeriod: orderPeriodIndex(Date.UTC(2024, 2, 1), 'day'),
    holdoutEndPeriod: null,
    source: 'scan',
    customers: [
      {
        customerType: 'contact',
        customerId: 'con_a',
        firstAt: new Date('2024-01-01T08:00:00.000Z'),
        lastAt: new Date('2024-01-15T20:00:00.000Z'),
        orders: 3,
        total: 3_500,
        periods: 2,
        firstPeriod: orderPeriodIndex(Date.UTC(2024, 0, 1), 'day'),
        lastPeriod: orderPeriodIndex(Date.UTC(2024, 0, 15), 'day'),
        repeatTotal: 2_000,
        holdoutOrders: 0,
        holdoutPeriods: 0,
        holdoutTotal: 0,
      },
      {
        customerType: 'contact',
        customerId: 'con_b',
        firstAt: new Date('2024-02-01T00:00:00.000Z'),
        lastAt: new Date('2024-02-01T00:00:00.000Z'),
        orders: 1,
        total: 800,
        periods: 1,
        firstPeriod: orderPeriodIndex(Date.UTC(2024, 1, 1), 'day'),
        lastPeriod: orderPeriodIndex(Date.UTC(2024, 1, 1), 'day'),
        repeatTotal: 0,
        holdoutOrders: 0,
        holdoutPeriods: 0,
        holdoutTotal: 0,
      },
    ],
  }

  it('gives lifetimes-style BTYD customers (the summaryDataFromTransactions doc example)', () => {
    expect(toBtydCustomers(summaries)).toEqual([
      { customerId: 'con_a', frequency: 1, recency: 14, T: 60, monetaryValue: 20 },
      { customerId: 'con_b', frequency: 0, recency: 0, T: 29, monetaryValue: 0 },
    ])
    expect(toBtydCustomers(summaries, { freqMultiplier: 7, minorUnitsPerUnit: 1 })[0]).toEqual({
      customerId: 'con_a',
      frequency: 1,
      recency: 2,
      T: 60 / 7,
      monetaryValue: 2_000,
    })
  })

  it('refuses a customer listed twice (it would be counted twice by every model) with VALIDATION_FAILED', () => {
    const twice: OrderSummaries = {
      ...summaries,
      customers: [...summaries.customers, summaries.customers[0]!],
    }
    for (const map of [toBtydCustomers, toCalibrationHoldout, toRfmSummaryRows] as const) {
      let error: unknown
      try {
        map(twice)
      } catch (e) {
        error = e
      }
      expect(isRapportError(error, 'VALIDATION_FAILED')).toBe(true)
      expect((error as RapportError).details).toEqual({
        customerType: 'contact',
        customerId: 'con_a',
        indexes: [0, 2],
      })
    }
    // The same customer id as a contact and as a company are two customers.
    const other = { ...summaries.customers[0]!, customerType: 'company' as const }
    expect(toBtydCustomers({ ...summaries, customers: [...summaries.customers, other] })).toHaveLength(3)
  })

  it('gives rfmSummary-style rows in currency units (ISO minor units from Intl)', () => {
    expect(toRfmSummaryRows(summaries)).toEqual([
      {
        customerId: 'con_a',
        recency: 46,
        frequency: 3,
        monetarySum: 35,
        monetaryMean: 35 / 3,
        tenure: 60,
        firstAt: Date.UTC(2024, 0, 1, 8),
        lastAt: Date.UTC(2024, 0, 15, 20),
      },
      {
        customerId: 'con_b',
        recency: 29,
        frequency: 1,
        monetarySum: 8,
        monetaryMean: 8,
        tenure: 29,
        firstAt: Date.UTC(2024, 1, 1),
        lastAt: Date.UTC(2024, 1, 1),
      },
    ])
    expect(toRfmSummaryRows(summaries, { frequency: 'periods', recency: 'exact-days' })[0]).toMatchObject({
      frequency: 2,
      recency: (Date.UTC(2024, 2, 1) - Date.UTC(2024, 0, 15, 20)) / DAY,
    })
    expect(toRfmSummaryRows({ ...summaries, currency: 'JPY' })[1]?.monetarySum).toBe(800)
  })

  it('gives calibration/holdout rows', () => {
    const split: OrderSummaries = {
      ...summaries,
      calibrationEnd: summaries.asOf,
      asOf: new Date('2024-03-31T00:00:00.000Z'),
      holdoutEndPeriod: summaries.endPeriod + 30,
      customers: [{ ...summaries.customers[0]!, holdoutOrders: 3, holdoutPeriods: 2, holdoutTotal: 5_000 }],
    }
    expect(toCalibrationHoldout(split)).toEqual([
      {
        customerId: 'con_a',
        frequencyCal: 1,
        recencyCal: 14,
        TCal: 60,
        monetaryValueCal: 20,
        frequencyHoldout: 2,
        durationHoldout: 30,
        monetaryValueHoldout: 25,
      },
    ])
  })
})
