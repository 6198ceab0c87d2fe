import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { marketingPlugin } from '../src/index.js'

/**
 * The repurchase KPI on the CDNOW sample (2,357 customers who all first bought in Q1 1997, 6,919 orders to June 1998).
 * "Bought before the period" (returningCustomerRate) is 1 for every month from April 1997: one cohort, so every later
 * buyer is a returning one and the KPI is flat. The e-commerce definition (repurchaseRate: customers with two or
 * more orders in the month over customers with one or more) moves month to month, and the database computes it
 * exactly as a JS reference over the same orders.
 */

interface CdnowOrder {
  readonly customer: string
  readonly day: string
  readonly cents: number
}

function loadCdnow(): CdnowOrder[] {
  const path = fileURLToPath(new URL('../../analytics/test/fixtures/cdnow/CDNOW_sample.txt', import.meta.url))
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [, id, ymd, , dollars] = line.split(/\s+/)
      return {
        customer: id!,
        day: `${ymd!.slice(0, 4)}-${ymd!.slice(4, 6)}-${ymd!.slice(6, 8)}`,
        cents: Math.round(Number(dollars) * 100),
      }
    })
}

const months = Array.from({ length: 18 }, (_, i) => new Date(Date.UTC(1997, i, 1)))

/** Customers with >= 2 orders in [start, end) over customers with >= 1 (the e-commerce repurchase rate). */
function reference(orders: readonly CdnowOrder[], start: Date, end: Date): number {
  const counts = new Map<string, number>()
  for (const o of orders) {
    const at = Date.parse(`${o.day}T12:00:00Z`)
    if (at >= start.getTime() && at < end.getTime()) counts.set(o.customer, (counts.get(o.customer) ?? 0) + 1)
  }
  return [...counts.values()].filter((n) => n >= 2).length / counts.size
}

const orders = loadCdnow()

for (const backend of storages) {
  describe(`the repurchase KPI on CDNOW (${backend.name})`, () => {
    let opened: TestStorage
    const clock = () => new Date('1998-08-01T00:00:00Z')
    let crm: ReturnType<typeof build>

    function build(storage: TestStorage['storage']) {
      const port: { engine?: () => unknown } = {}
      const built = createCrm({
        storage,
        clock,
        plugins: [
          automationPlugin({ clock, queue: createInProcessQueue(), timeZone: 'UTC' }),
          marketingPlugin({
            clock,
            timeZone: 'UTC',
            automation: () => (port.engine?.() as never) ?? undefined,
          }),
        ] as const,
      })
      port.engine = () => built.plugins.automation
      return built
    }

    beforeAll(async () => {
      opened = await backend.open('kpi_cdnow')
      crm = build(opened.storage)
      await crm.migrate()
      const ids = [...new Set(orders.map((o) => o.customer))]
      const contacts = await crm.contacts.createMany(ids.map((id) => ({ firstName: `cdnow ${id}` })))
      const contactOf = new Map(ids.map((id, i) => [id, contacts[i]!.id]))
      await crm.orders.createMany(
        orders.map((o) => ({
          customerType: 'contact' as const,
          customerId: contactOf.get(o.customer)!,
          occurredAt: new Date(`${o.day}T12:00:00Z`),
          amount: { amountMinor: o.cents, currency: 'USD' },
        })),
      )
    }, 300_000)
    afterAll(() => opened.dispose())

    it('moves month to month, equal to the JS reference, where "bought before" is flat at 1 (April 1997, October 1997, June 1998)', async () => {
      const { kpis } = crm.plugins.marketing
      await kpis.define({ key: 'repurchase', name: 'Repurchase rate', metric: 'repurchaseRate' })
      await kpis.define({ key: 'returning', name: 'Returning buyers', metric: 'returningCustomerRate' })
      const repurchase: number[] = []
      for (const [i, start] of months.entries()) {
        const end = months[i + 1] ?? new Date(Date.UTC(1998, 6, 1))
        const point = await kpis.compute('repurchase', { unit: 'month', start })
        expect(point.value, start.toISOString()).toBeCloseTo(reference(orders, start, end), 12)
        repurchase.push(point.value!)
        if (i === 3 || i === 9 || i === 17) {
          const returning = await kpis.compute('returning', { unit: 'month', start })
          expect(returning.value, start.toISOString()).toBe(1)
        }
      }
      // Not flat: many distinct monthly values, and a spread of several points.
      expect(new Set(repurchase.map((v) => v.toFixed(6))).size).toBeGreaterThanOrEqual(12)
      expect(Math.max(...repurchase) - Math.min(...repurchase)).toBeGreaterThan(0.03)
      expect(repurchase.every((v) => v > 0 && v < 1)).toBe(true)
    }, 300_000)
  })
}
