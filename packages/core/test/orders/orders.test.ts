import { describe, expect, it } from 'vitest'
import type { RapportError } from '../../src/index.js'
import { createCrm, isRapportError } from '../../src/index.js'
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

async function setup() {
  const crm = createCrm({ storage: createMemoryStorage(), clock: () => new Date('2026-03-01T00:00:00.000Z') })
  await crm.migrate()
  const ada = await crm.contacts.create({ firstName: 'Ada' })
  const acme = await crm.companies.create({ name: 'Acme' })
  return { crm, ada, acme }
}

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' })

describe('orders', () => {
  it('creates orders with an ord_ id, a completed default status and money columns', async () => {
    const { crm, ada } = await setup()
    const events: unknown[] = []
    crm.events.on('order.created', (e) => {
      events.push(e)
    })
    const order = await crm.orders.create({
      customerType: 'contact',
      customerId: ada.id,
      occurredAt: new Date('2026-02-01T10:00:00.000Z'),
      amount: eur(4_990),
    })
    expect(order.id).toMatch(/^ord_/)
    expect(order.status).toBe('completed')
    expect(order.externalId).toBeNull()
    expect(order.amount).toEqual(eur(4_990))
    expect(await crm.orders.get(order.id)).toEqual(order)
    expect(events).toHaveLength(1)
    expect(crm.entity('order')).toBe(crm.orders)
  })

  it('refuses an order of a customer that does not exist (or of the wrong type) and writes nothing', async () => {
    const { crm, ada, acme } = await setup()
    const missing = await expectError(
      crm.orders.create({
        customerType: 'contact',
        customerId: 'con_nope',
        occurredAt: new Date('2026-02-01T00:00:00.000Z'),
        amount: eur(100),
      }),
      'VALIDATION_FAILED',
    )
    expect(missing.issues[0]?.path).toEqual(['customerId'])
    await expectError(
      crm.orders.create({
        customerType: 'company',
        customerId: ada.id,
        occurredAt: new Date('2026-02-01T00:00:00.000Z'),
        amount: eur(100),
      }),
      'VALIDATION_FAILED',
    )
    await expectError(
      crm.orders.createMany([
        { customerType: 'company', customerId: acme.id, occurredAt: new Date(), amount: eur(1) },
        { customerType: 'company', customerId: 'com_gone', occurredAt: new Date(), amount: eur(1) },
      ]),
      'VALIDATION_FAILED',
    )
    expect(await crm.orders.count()).toBe(0)
  })

  it('rejects bad fields with per-field issues and writes nothing', async () => {
    const { crm, ada } = await setup()
    const err = await expectError(
      crm.orders.create({
        customerType: 'person' as 'contact',
        customerId: ada.id,
        occurredAt: new Date('2026-02-01T00:00:00.000Z'),
        amount: { amountMinor: 1.5, currency: 'eur' },
        status: 'shipped' as 'completed',
      }),
      'VALIDATION_FAILED',
    )
    expect(err.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'amount.amountMinor',
      'amount.currency',
      'customerType',
      'status',
    ])
    expect(await crm.orders.count()).toBe(0)
  })

  it('keeps externalId unique per tenant when set (nulls do not collide)', async () => {
    const { crm, ada } = await setup()
    const base = {
      customerType: 'contact' as const,
      customerId: ada.id,
      occurredAt: new Date('2026-02-01T00:00:00.000Z'),
      amount: eur(100),
    }
    await crm.orders.create(base)
    await crm.orders.create(base)
    const first = await crm.orders.create({ ...base, externalId: 'shop-1' })
    await expectError(crm.orders.create({ ...base, externalId: 'shop-1' }), 'UNIQUE_VIOLATION')
    expect(await crm.orders.count()).toBe(3)
    expect(await crm.orders.get(first.id)).toEqual(first)
    const other = crm.scoped({ tenantId: 'other' })
    const bob = await other.contacts.create({ firstName: 'Bob' })
    await other.orders.create({ ...base, customerId: bob.id, externalId: 'shop-1' })
    expect(await other.orders.count()).toBe(1)
  })

  it('checks the customer again when an update changes it', async () => {
    const { crm, ada, acme } = await setup()
    const order = await crm.orders.create({
      customerType: 'contact',
      customerId: ada.id,
      occurredAt: new Date('2026-02-01T00:00:00.000Z'),
      amount: eur(100),
    })
    await expectError(crm.orders.update(order.id, { customerId: acme.id }), 'VALIDATION_FAILED')
    expect(await crm.orders.get(order.id)).toEqual(order)
    const moved = await crm.orders.update(order.id, { customerType: 'company', customerId: acme.id })
    expect(moved.customerId).toBe(acme.id)
    expect(moved.version).toBe(2)
  })

  it('reaches orders from contacts and companies through the `orders` relation', async () => {
    const { crm, ada, acme } = await setup()
    const bob = await crm.contacts.create({ firstName: 'Bob' })
    await crm.orders.create({
      customerType: 'contact',
      customerId: ada.id,
      occurredAt: new Date('2026-02-01T00:00:00.000Z'),
      amount: eur(50_000),
    })
    await crm.orders.create({
      customerType: 'company',
      customerId: acme.id,
      occurredAt: new Date('2026-02-01T00:00:00.000Z'),
      amount: eur(10),
    })
    const bigSpenders = await crm.contacts.list({
      where: { exists: 'orders', where: { field: 'amount.amountMinor', op: 'gte', value: 10_000 } },
    })
    expect(bigSpenders.items.map((c) => c.id)).toEqual([ada.id])
    const buyers = await crm.companies.list({ where: { exists: 'orders' } })
    expect(buyers.items.map((c) => c.id)).toEqual([acme.id])
    expect((await crm.contacts.list({ where: { exists: 'orders' } })).items.map((c) => c.id)).not.toContain(
      bob.id,
    )
  })
})
