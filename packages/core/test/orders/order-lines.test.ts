import { describe, expect, it } from 'vitest'
import { createCrm, isRapportError } from '../../src/index.js'
import { createMemoryStorage } from '../../src/testing/index.js'

async function setup() {
  const crm = createCrm({ storage: createMemoryStorage(), clock: () => new Date('2026-03-01T00:00:00.000Z') })
  await crm.migrate()
  const ada = await crm.contacts.create({ firstName: 'Ada' })
  return { crm, ada }
}

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' })

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'ok'
  } catch (error) {
    return isRapportError(error) ? error.code : String(error)
  }
}

describe('order line items', () => {
  it('stores lines (product id or sku, quantity, unit price) and an amount equal to their sum', async () => {
    const { crm, ada } = await setup()
    const order = await crm.orders.create({
      customerType: 'contact',
      customerId: ada.id,
      occurredAt: new Date('2026-02-01T10:00:00.000Z'),
      amount: eur(2 * 1_250 + 999),
      lines: [
        { productId: 'prod_tea', name: 'Green tea', quantity: 2, unitPrice: eur(1_250) },
        { sku: 'CUP-01', quantity: 1, unitPrice: eur(999) },
      ],
    })
    expect((await crm.orders.get(order.id)).lines).toEqual([
      { productId: 'prod_tea', name: 'Green tea', quantity: 2, unitPrice: eur(1_250) },
      { sku: 'CUP-01', quantity: 1, unitPrice: eur(999) },
    ])
    // Without lines an order keeps working as before.
    const plain = await crm.orders.create({
      customerType: 'contact',
      customerId: ada.id,
      occurredAt: new Date('2026-02-02T10:00:00.000Z'),
      amount: eur(100),
    })
    expect(plain.lines).toEqual([])
    // An update that changes the lines must keep the total consistent.
    expect(
      await code(
        crm.orders.update(order.id, { lines: [{ sku: 'CUP-01', quantity: 3, unitPrice: eur(999) }] }),
      ),
    ).toBe('VALIDATION_FAILED')
    const updated = await crm.orders.update(order.id, {
      lines: [{ sku: 'CUP-01', quantity: 3, unitPrice: eur(999) }],
      amount: eur(2_997),
    })
    expect(updated.amount).toEqual(eur(2_997))
  })

  it('refuses bad lines with VALIDATION_FAILED at the exact path and writes nothing', async () => {
    const { crm, ada } = await setup()
    const base = {
      customerType: 'contact' as const,
      customerId: ada.id,
      occurredAt: new Date('2026-02-01T10:00:00.000Z'),
    }
    const cases: [unknown, (string | number)[]][] = [
      [
        { ...base, amount: eur(1_000), lines: [{ sku: 'A', quantity: 1, unitPrice: eur(999) }] },
        ['amount', 'amountMinor'],
      ],
      [
        {
          ...base,
          amount: eur(999),
          lines: [{ sku: 'A', quantity: 1, unitPrice: { amountMinor: 999, currency: 'USD' } }],
        },
        ['lines', 0, 'unitPrice', 'currency'],
      ],
      [
        { ...base, amount: eur(999), lines: [{ quantity: 1, unitPrice: eur(999) }] },
        ['lines', 0, 'productId'],
      ],
      [
        { ...base, amount: eur(0), lines: [{ sku: 'A', quantity: 0, unitPrice: eur(999) }] },
        ['lines', 0, 'quantity'],
      ],
      [
        { ...base, amount: eur(999), lines: [{ sku: 'A', quantity: 1.5, unitPrice: eur(999) }] },
        ['lines', 0, 'quantity'],
      ],
      [
        { ...base, amount: eur(999), lines: [{ sku: 'A', quantity: 1, unitPrice: eur(999), colour: 'red' }] },
        ['lines', 0],
      ],
      [
        {
          ...base,
          amount: eur(1),
          lines: [{ sku: 'A', quantity: 1_000_000, unitPrice: eur(Number.MAX_SAFE_INTEGER) }],
        },
        ['lines'],
      ],
    ]
    for (const [input, path] of cases) {
      let error: unknown
      try {
        await crm.orders.create(input as never)
      } catch (e) {
        error = e
      }
      expect(isRapportError(error, 'VALIDATION_FAILED')).toBe(true)
      const issues = (error as { details: { issues: { path: (string | number)[] }[] } }).details.issues
      expect(issues.map((i) => i.path)).toContainEqual(path)
    }
    expect(await crm.orders.count()).toBe(0)
  })
})
