import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { calibrationAndHoldoutData, fitBgNbd, summaryDataFromTransactions } from '@rapport/analytics/clv'
import { rfmSummary } from '@rapport/analytics/rfm'
import type { Crm } from '@rapport/core'
import { createCrm } from '@rapport/core'
import { toBtydCustomers, toCalibrationHoldout, toRfmSummaryRows } from '@rapport/core/services'
import type { FindManyArgs, StorageAdapter } from '@rapport/core/storage'
import Database from 'better-sqlite3'
import { CompiledQuery } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SqliteStorage } from '../src/index.js'
import { createSqliteStorage } from '../src/index.js'

const fixture = fileURLToPath(
  new URL('../../analytics/test/fixtures/cdnow/CDNOW_sample.txt', import.meta.url),
)

interface CdnowOrder {
  readonly customer: string
  readonly date: string
  readonly dollars: number
}

/** The 6,919 orders of the CDNOW sample (2,357 customers, Jan 1997 – Jun 1998). */
function cdnowOrders(): CdnowOrder[] {
  return readFileSync(fixture, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const [, customer, d, , dollars] = line.trim().split(/\s+/) as [string, string, string, string, string]
      return {
        customer,
        date: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`,
        dollars: Number(dollars),
      }
    })
}

const orders = cdnowOrders()
let crm: Crm
/** Contact id → CDNOW customer number. */
const cdnowIdOf = new Map<string, string>()
/** `findMany` calls on the order table. */
let orderScans = 0
/** The SQL of every statement better-sqlite3 prepared that reads the order table. */
const orderStatements = new Set<string>()
const prepare = Database.prototype.prepare
Database.prototype.prepare = function (this: Database.Database, source: string) {
  if (/^select .* from "orders"/s.test(source)) orderStatements.add(source)
  return prepare.call(this, source)
} as typeof prepare
let storage: SqliteStorage

beforeAll(async () => {
  const inner = createSqliteStorage({ file: ':memory:' })
  storage = inner
  const counted: StorageAdapter = {
    ...inner,
    findMany(args: FindManyArgs) {
      if (args.model.name === 'order') orderScans++
      return inner.findMany(args)
    },
  }
  crm = createCrm({ storage: counted })
  await crm.migrate()
  const customers = [...new Set(orders.map((o) => o.customer))]
  const contacts = await crm.contacts.createMany(customers.map((c) => ({ firstName: `CDNOW ${c}` })))
  const contactOf = new Map<string, string>()
  contacts.forEach((contact, i) => {
    contactOf.set(customers[i]!, contact.id)
    cdnowIdOf.set(contact.id, customers[i]!)
  })
  await crm.orders.createMany(
    orders.map((o) => ({
      customerType: 'contact' as const,
      customerId: contactOf.get(o.customer)!,
      occurredAt: new Date(`${o.date}T00:00:00.000Z`),
      amount: { amountMinor: Math.round(o.dollars * 100), currency: 'USD' },
    })),
  )
}, 120_000)

afterAll(async () => {
  await crm?.close()
})

describe('CDNOW orders in SQLite → crm.orders.customerSummaries → @rapport/analytics', () => {
  it('streams the orders in customer order from the covering index, a page at a time, never the whole table', async () => {
    orderScans = 0
    orderStatements.clear()
    const summaries = await crm.orders.customerSummaries({
      asOf: '1997-09-30',
      timeUnit: 'day',
      currency: 'USD',
    })
    expect(summaries.source).toBe('scan')
    // 6,919 orders (fewer until asOf) in pages of 1,000: a handful of keyset pages, not one read per order.
    expect(orderScans).toBeGreaterThan(1)
    expect(orderScans).toBeLessThanOrEqual(Math.ceil(orders.length / 1000) + 1)
    // Every page is answered from orders_by_customer_occurred_amount alone: no table look-up, no sort.
    expect(orderStatements.size).toBeGreaterThan(0)
    for (const statement of orderStatements) {
      // The plan's shape does not depend on the bound values, so every parameter is bound to null.
      const unbound = Array.from(statement.matchAll(/\?/g), () => null)
      const { rows } = await storage.kysely.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${statement}`, unbound),
      )
      const plan = rows.map((r) => r.detail).join('\n')
      expect(plan).toContain('USING COVERING INDEX orders_by_customer_occurred_amount')
      expect(plan).not.toContain('TEMP B-TREE')
    }
    expect(summaries.customers).toHaveLength(2357)
    expect(summaries.customers.reduce((n, c) => n + c.orders, 0)).toBe(
      orders.filter((o) => o.date <= '1997-09-30').length,
    )
  })

  it('reproduces the published BG/NBD parameters (Fader, Hardie & Lee 2005)', async () => {
    const summaries = await crm.orders.customerSummaries({
      asOf: '1997-09-30',
      timeUnit: 'day',
      currency: 'USD',
    })
    const model = fitBgNbd(toBtydCustomers(summaries, { freqMultiplier: 7 }))
    expect(model.converged).toBe(true)
    expect(model.params.r).toBeCloseTo(0.2426, 3)
    expect(model.params.alpha).toBeCloseTo(4.4135, 3)
    expect(model.params.a).toBeCloseTo(0.7929, 3)
    expect(model.params.b).toBeCloseTo(2.4258, 3)
    expect(Math.abs(model.logLikelihood - -9582.43)).toBeLessThan(0.01)
  })

  it('equals summaryDataFromTransactions on the raw orders, customer by customer', async () => {
    const summaries = await crm.orders.customerSummaries({
      asOf: '1997-09-30',
      timeUnit: 'day',
      currency: 'USD',
    })
    const expected = new Map(
      summaryDataFromTransactions(orders, {
        customerId: 'customer',
        datetime: 'date',
        monetary: 'dollars',
        observationEnd: '1997-09-30',
        timeUnit: 'D',
        freqMultiplier: 7,
      }).map((row) => [String(row.customerId), row]),
    )
    const actual = toBtydCustomers(summaries, { freqMultiplier: 7 })
    expect(actual).toHaveLength(expected.size)
    for (const row of actual) {
      const e = expected.get(cdnowIdOf.get(row.customerId)!)!
      expect([row.frequency, row.recency, row.T]).toEqual([e.frequency, e.recency, e.T])
      expect(row.monetaryValue).toBeCloseTo(e.monetaryValue!, 9)
    }
  })

  it('equals calibrationAndHoldoutData with a split', async () => {
    const split = await crm.orders.customerSummaries({
      asOf: '1998-06-30',
      calibrationEnd: '1997-09-30',
      timeUnit: 'day',
      currency: 'USD',
    })
    const expected = new Map(
      calibrationAndHoldoutData(orders, {
        customerId: 'customer',
        datetime: 'date',
        monetary: 'dollars',
        calibrationEnd: '1997-09-30',
        observationEnd: '1998-06-30',
        timeUnit: 'D',
        freqMultiplier: 7,
      }).map((row) => [String(row.customerId), row]),
    )
    const actual = toCalibrationHoldout(split, { freqMultiplier: 7 })
    expect(actual).toHaveLength(expected.size)
    for (const row of actual) {
      const e = expected.get(cdnowIdOf.get(row.customerId)!)!
      expect([row.frequencyCal, row.recencyCal, row.TCal, row.frequencyHoldout, row.durationHoldout]).toEqual(
        [e.frequencyCal, e.recencyCal, e.TCal, e.frequencyHoldout, e.durationHoldout],
      )
      expect(row.monetaryValueCal).toBeCloseTo(e.monetaryValueCal!, 9)
      expect(row.monetaryValueHoldout).toBeCloseTo(e.monetaryValueHoldout!, 9)
    }
  })

  it('equals rfmSummary on the raw orders', async () => {
    const summaries = await crm.orders.customerSummaries({
      asOf: '1998-06-30',
      timeUnit: 'day',
      currency: 'USD',
    })
    const expected = new Map(
      rfmSummary(
        orders.map((o) => ({ customerId: o.customer, at: o.date, amount: o.dollars })),
        { asOf: '1998-06-30' },
      ).map((row) => [String(row.customerId), row]),
    )
    const actual = toRfmSummaryRows(summaries)
    expect(actual).toHaveLength(expected.size)
    for (const row of actual) {
      const e = expected.get(cdnowIdOf.get(row.customerId)!)!
      expect([row.recency, row.frequency, row.tenure, row.firstAt, row.lastAt]).toEqual([
        e.recency,
        e.frequency,
        e.tenure,
        e.firstAt,
        e.lastAt,
      ])
      expect(row.monetarySum).toBeCloseTo(e.monetarySum, 6)
    }
  })
})
