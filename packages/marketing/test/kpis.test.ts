import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm, isRapportError } from '@rapport/core'
import { wallClockOf } from '@rapport/core/time'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { marketingPlugin } from '../src/index.js'
import type { PeriodUnit } from '../src/kpis/index.js'
import { closedPeriod, periodContaining, shiftPeriod } from '../src/kpis/index.js'

const ZONE = 'Asia/Shanghai'

async function rejects(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error)) return error.code
    throw error
  }
  throw new Error('expected a RapportError')
}

describe('KPI periods in the tenant time zone (core’s time-zone functions)', () => {
  const zones = ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe']
  it('contain their instant, start at local midnight on the unit boundary, and tile time', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        fc.constantFrom<PeriodUnit>('day', 'week', 'month'),
        (at, zone, unit) => {
          const p = periodContaining(unit, at, zone)
          expect(p.start.getTime()).toBeLessThanOrEqual(at.getTime())
          expect(p.end.getTime()).toBeGreaterThan(at.getTime())
          const wall = new Date(wallClockOf(p.start.getTime(), zone))
          if (unit === 'week') expect(wall.getUTCDay()).toBe(1)
          if (unit === 'month') expect(wall.getUTCDate()).toBe(1)
          expect(shiftPeriod(p, 1).start).toEqual(p.end)
          expect(shiftPeriod(p, -1).end).toEqual(p.start)
        },
      ),
    )
  })

  it('refuses a bad unit, a start off a boundary and a period not over yet', () => {
    const now = new Date('2026-04-15T00:00:00Z')
    const code = (fn: () => unknown) => {
      try {
        fn()
      } catch (error) {
        return isRapportError(error) ? error.code : String(error)
      }
      return 'ok'
    }
    expect(code(() => closedPeriod('fortnight' as PeriodUnit, now, ZONE, now))).toBe(
      'MARKETING_INVALID_PERIOD',
    )
    expect(code(() => closedPeriod('month', new Date('2026-03-01T00:00:00Z'), ZONE, now))).toBe(
      'MARKETING_INVALID_PERIOD',
    ) // Shanghai's March starts at 2026-02-28T16:00Z
    expect(code(() => closedPeriod('month', new Date('2026-02-28T16:00:00Z'), ZONE, now))).toBe('ok')
    expect(code(() => closedPeriod('month', new Date('2026-03-31T16:00:00Z'), ZONE, now))).toBe(
      'MARKETING_INVALID_PERIOD',
    ) // April is running
    expect(code(() => periodContaining('day', now, 'Mars/Olympus'))).toBe('MARKETING_INVALID_PERIOD')
  })
})

function build(storage: TestStorage['storage'], clock: () => Date) {
  const queue = createInProcessQueue()
  const port: { engine?: () => unknown } = {}
  const crm = createCrm({
    storage,
    clock,
    plugins: [
      automationPlugin({ clock, queue, timeZone: ZONE }),
      marketingPlugin({
        clock,
        timeZone: ZONE,
        automation: () => (port.engine?.() as never) ?? undefined,
      }),
    ] as const,
  })
  port.engine = () => crm.plugins.automation
  return crm
}

/** Local midnight of a Shanghai calendar date. */
const local = (date: string) => new Date(`${date}T00:00:00+08:00`)

for (const backend of storages) {
  describe(`KPIs and alerts on ${backend.name}`, () => {
    let opened: TestStorage
    let now = local('2026-04-03')
    let crm: ReturnType<typeof build>
    const orders: { customer: string; at: Date; status: string }[] = []

    beforeAll(async () => {
      opened = await backend.open('kpis')
      crm = build(opened.storage, () => now)
      await crm.migrate()
      const customers: string[] = []
      for (let i = 0; i < 12; i++) customers.push((await crm.contacts.create({ firstName: `C${i}` })).id)
      // A deterministic purchase history over January–March (local time), some on month edges.
      const plan: [number, string, string][] = [
        [0, '2026-01-05T10:00', 'completed'],
        [0, '2026-02-02T10:00', 'completed'],
        [0, '2026-03-01T00:00', 'completed'], // the first local instant of March
        [1, '2026-01-31T23:59', 'completed'], // January in Shanghai, February in UTC
        [1, '2026-02-14T12:00', 'completed'],
        [2, '2026-02-03T09:00', 'completed'],
        [2, '2026-03-20T09:00', 'completed'],
        [3, '2026-02-28T23:30', 'completed'],
        [4, '2026-01-10T08:00', 'completed'],
        [4, '2026-03-10T08:00', 'canceled'], // does not count
        [5, '2026-03-11T08:00', 'completed'],
        [6, '2026-02-20T08:00', 'completed'],
        [6, '2026-03-21T08:00', 'completed'],
        [7, '2026-01-20T08:00', 'completed'],
        [7, '2026-02-21T08:00', 'completed'],
        [8, '2026-02-22T08:00', 'completed'],
        [9, '2026-03-23T08:00', 'completed'],
        // Repeat buyers within a month: C8 in February, C2 in March; C5's second March order was canceled.
        [8, '2026-02-25T08:00', 'completed'],
        [2, '2026-03-25T08:00', 'completed'],
        [5, '2026-03-12T08:00', 'canceled'],
      ]
      for (const [c, at, status] of plan) {
        const when = new Date(`${at}:00+08:00`)
        orders.push({ customer: customers[c]!, at: when, status })
        await crm.orders.create({
          customerType: 'contact',
          customerId: customers[c]!,
          occurredAt: when,
          amount: { amountMinor: 1000, currency: 'EUR' },
          status: status as 'completed',
        })
      }
    }, 120_000) // the shared Postgres server can take over 10 s to migrate under load
    afterAll(() => opened.dispose())

    /** The reference: the same definitions computed in JS from the orders. */
    function reference(start: Date, end: Date, prevStart: Date) {
      const ok = orders.filter((o) => o.status === 'completed')
      const buyers = new Set(ok.filter((o) => o.at >= start && o.at < end).map((o) => o.customer))
      const before = new Set(ok.filter((o) => o.at < start).map((o) => o.customer))
      const previous = new Set(ok.filter((o) => o.at >= prevStart && o.at < start).map((o) => o.customer))
      const ordersOf = new Map<string, number>()
      for (const o of ok) {
        if (o.at >= start && o.at < end) ordersOf.set(o.customer, (ordersOf.get(o.customer) ?? 0) + 1)
      }
      return {
        repurchase: [...ordersOf.values()].filter((n) => n >= 2).length / ordersOf.size,
        returning: [...buyers].filter((c) => before.has(c)).length / buyers.size,
        churn: [...previous].filter((c) => !buyers.has(c)).length / previous.size,
      }
    }

    it('computes repurchase, returning and churn per local month in the database, equal to a JS reference', async () => {
      const { kpis } = crm.plugins.marketing
      await kpis.define({ key: 'repurchase-rate', name: 'Repurchase rate', metric: 'repurchaseRate' })
      await kpis.define({ key: 'returning-rate', name: 'Returning', metric: 'returningCustomerRate' })
      await kpis.define({ key: 'churn-rate', name: 'Churn rate', metric: 'churnRate' })
      for (const [from, to, prev] of [
        ['2026-02-01', '2026-03-01', '2026-01-01'],
        ['2026-03-01', '2026-04-01', '2026-02-01'],
      ] as const) {
        const expected = reference(local(from), local(to), local(prev))
        const r = await kpis.compute('repurchase-rate', { unit: 'month', start: local(from) })
        const c = await kpis.compute('churn-rate', { unit: 'month', start: local(from) })
        const back = await kpis.compute('returning-rate', { unit: 'month', start: local(from) })
        expect([r.periodStart, r.periodEnd]).toEqual([local(from), local(to)])
        expect(r.value).toBeCloseTo(expected.repurchase, 12)
        expect(r.value).toBeGreaterThan(0)
        expect(back.value).toBeCloseTo(expected.returning, 12)
        expect(c.value).toBeCloseTo(expected.churn, 12)
      }
      const series = await kpis.series('repurchase-rate', { unit: 'month' })
      expect(series.map((p) => p.periodStart)).toEqual([local('2026-02-01'), local('2026-03-01')])
      const [feb, mar] = series
      expect(mar!.previousValue).toBe(feb!.value)
      expect(mar!.change).toBeCloseTo((mar!.value! - feb!.value!) / feb!.value!, 12)
    })

    it('refuses a bad KPI or period with a typed error and writes nothing', async () => {
      const { kpis } = crm.plugins.marketing
      const before = await crm.entity('kpiValue').count()
      const defs = await crm.entity('kpiDefinition').count()
      expect(await rejects(kpis.compute('nope', { unit: 'month' }))).toBe('MARKETING_INVALID_KPI')
      expect(await rejects(kpis.compute('churn-rate', { unit: 'year' as PeriodUnit }))).toBe(
        'MARKETING_INVALID_PERIOD',
      )
      expect(
        await rejects(kpis.compute('churn-rate', { unit: 'month', start: new Date('2026-03-01T00:00:00Z') })),
      ).toBe('MARKETING_INVALID_PERIOD')
      expect(await rejects(kpis.compute('churn-rate', { unit: 'month', start: local('2026-04-01') }))).toBe(
        'MARKETING_INVALID_PERIOD',
      )
      expect(await rejects(kpis.compute('churn-rate', { unit: 'week', start: new Date('x') }))).toBe(
        'MARKETING_INVALID_PERIOD',
      )
      expect(await rejects(kpis.define({ key: 'churn-rate', name: 'Again', metric: 'churnRate' }))).toBe(
        'MARKETING_INVALID_KPI',
      )
      expect(
        await rejects(
          kpis.define({ key: 'x', name: 'X', metric: 'averageDealSize', params: { currency: 'euro' } }),
        ),
      ).toBe('MARKETING_INVALID_KPI')
      expect(
        await rejects(
          kpis.define({
            key: 'y',
            name: 'Y',
            metric: 'custom',
            params: {
              entity: 'order',
              dateField: 'occurredAt',
              where: { field: 'nope', op: 'eq', value: 1 },
            },
          }),
        ),
      ).toBe('MARKETING_INVALID_KPI')
      expect(
        await rejects(
          kpis.define({
            key: 'z',
            name: 'Z',
            metric: 'custom',
            params: { entity: 'nothing', dateField: 'at' },
          }),
        ),
      ).toBe('MARKETING_INVALID_KPI')
      expect(await rejects(kpis.alert({ id: 'a', kpi: 'nope', when: { below: 1 } }))).toBe(
        'MARKETING_INVALID_KPI',
      )
      expect(await rejects(kpis.alert({ id: 'a', kpi: 'churn-rate', when: { dropsBy: -1 } as never }))).toBe(
        'MARKETING_INVALID_KPI',
      )
      expect(await crm.entity('kpiValue').count()).toBe(before)
      expect(await crm.entity('kpiDefinition').count()).toBe(defs)
    })

    it('fires a relative-change alert through automation once per period (task), not on a rise', async () => {
      const { kpis } = crm.plugins.marketing
      const engine = crm.plugins.automation
      await kpis.define({
        key: 'orders',
        name: 'Completed orders',
        metric: 'custom',
        params: {
          entity: 'order',
          dateField: 'occurredAt',
          where: { field: 'status', op: 'eq', value: 'completed' },
        },
        units: ['month'],
      })
      await kpis.alert({
        id: 'orders-drop',
        kpi: 'orders',
        unit: 'month',
        when: { dropsBy: 0.05 },
        actions: [{ type: 'createTask', title: 'Orders down to {{record.value}}' }],
      })
      await kpis.alert({ id: 'orders-high', kpi: 'orders', when: { above: 100 } })
      expect((await kpis.alerts()).map((a) => a.id)).toEqual(['orders-drop', 'orders-high'])
      expect((await kpis.alerts('orders')).map((a) => a.id)).toEqual(['orders-drop', 'orders-high'])
      expect(await kpis.alerts('churn-rate')).toEqual([])
      const alerts: unknown[] = []
      engine.events.on('kpi.alert', (e) => {
        alerts.push(e)
      })
      // February 8 completed orders, March 6: down 25 %.
      const march = await kpis.compute('orders', { unit: 'month', start: local('2026-03-01') })
      expect([march.value, march.previousValue]).toEqual([6, 8])
      await kpis.compute('orders', { unit: 'month', start: local('2026-03-01') }) // recomputed: no second alert
      await engine.runDue()
      const tasks = (await crm.tasks.list()).items
      expect(tasks.map((t) => t.title)).toEqual(['Orders down to 6'])
      expect(alerts).toEqual([])
      // February rose against January (4 → 8): no alert; the tick computes only what is missing.
      now = local('2026-04-20')
      const ticked = await kpis.tick()
      expect(ticked.map((p) => p.kpiKey).sort()).toEqual([])
      await kpis.compute('orders', { unit: 'month', start: local('2026-02-01') })
      await engine.runDue()
      expect(await crm.tasks.count()).toBe(1)
    })

    it('keeps alerts across a restart and applies them in another process on the same storage', async () => {
      // A second process: its own CRM and automation engine over the same database, with no alert registered.
      const other = build(opened.storage, () => now)
      const theirs = other.plugins.marketing.kpis
      expect((await theirs.alerts('orders')).map((a) => a.id)).toEqual(['orders-drop', 'orders-high'])
      expect(other.plugins.automation.rules().map((r) => r.id)).toEqual(['orders-drop', 'orders-high'])
      // An id taken in the first process is refused in the second, and nothing is stored.
      const stored = await crm.entity('kpiAlert').count()
      expect(await rejects(theirs.alert({ id: 'orders-drop', kpi: 'orders', when: { below: 1 } }))).toBe(
        'MARKETING_INVALID_KPI',
      )
      expect(
        await rejects(
          theirs.alert({ id: 'bad-action', kpi: 'orders', when: { below: 1 }, actions: [{ type: 'nope' }] }),
        ),
      ).toBe('MARKETING_INVALID_KPI')
      expect(await crm.entity('kpiAlert').count()).toBe(stored)
      // Registered in the second process, it fires when the first computes (its alerts are synced first).
      await theirs.alert({
        id: 'orders-low',
        kpi: 'orders',
        unit: 'month',
        when: { below: 7 },
        actions: [{ type: 'createTask', title: 'Orders low: {{record.value}}' }],
      })
      const before = await crm.tasks.count()
      await crm.plugins.marketing.kpis.compute('orders', { unit: 'month', start: local('2026-01-01') })
      await crm.plugins.automation.runDue()
      expect(
        (await crm.tasks.list({ orderBy: [{ field: 'createdAt', direction: 'desc' }] })).items[0]?.title,
      ).toBe('Orders low: 4')
      expect(await crm.tasks.count()).toBe(before + 1)
      // Removed in the first process, the second drops it at its next sync.
      await crm.plugins.marketing.kpis.removeAlert('orders-low')
      expect(await rejects(crm.plugins.marketing.kpis.removeAlert('orders-low'))).toBe(
        'MARKETING_INVALID_KPI',
      )
      expect((await theirs.alerts()).map((a) => a.id)).toEqual(['orders-drop', 'orders-high'])
      expect(other.plugins.automation.rules().map((r) => r.id)).not.toContain('orders-low')
    })
  })
}
