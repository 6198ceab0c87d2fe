import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import { createCrm } from '@rapport/core'
import { createMemoryStorage } from '@rapport/core/testing'
import { describe, expect, it } from 'vitest'
import { renewalReminderRule } from '../src/contracts/renewal-rules.js'
import { dunningRules } from '../src/receivables/dunning-rules.js'
import { receivablesPlugin } from '../src/receivables/receivables-plugin.js'

const DAY = 86_400_000

async function setup() {
  let now = new Date('2026-01-01T09:00:00.000Z')
  const clock = () => now
  const crm = createCrm({
    storage: createMemoryStorage(),
    clock,
    plugins: [receivablesPlugin(), automationPlugin({ clock, queue: createInProcessQueue() })] as const,
  })
  await crm.migrate()
  const engine = crm.plugins.automation
  const events: { name: string; data: Record<string, unknown> }[] = []
  for (const name of ['installment.dunning', 'contract.renewal_due']) {
    engine.events.on(name, (data: unknown) => {
      events.push({ name, data: data as Record<string, unknown> })
    })
  }
  const contract = await crm.entity('contract').create({
    name: 'ACME',
    currency: 'EUR',
    amountMinor: 200_000,
    startDate: '2026-01-01',
    endDate: '2026-03-31',
  })
  const id = String(contract['id'])
  await crm.entity('contract').update(id, { status: 'pending_approval' })
  await crm.entity('contract').update(id, { status: 'approved' })
  await crm.entity('contract').update(id, { status: 'active' })
  await crm.plugins.receivables.setInstallments(id, [
    { dueDate: '2026-01-20', amountMinor: 100_000 },
    { dueDate: '2026-02-20', amountMinor: 100_000 },
  ])
  /** Moves the clock day by day to `until`, sweeping and running due jobs each day. */
  const runUntil = async (until: string) => {
    while (now.toISOString().slice(0, 10) < until) {
      now = new Date(now.getTime() + DAY)
      await engine.tick()
    }
  }
  return { crm, engine, events, id, runUntil }
}

describe('dunning and renewal reminders through automation', () => {
  it('dunns each unpaid installment at −3/0/+7/+14/+30 days and stops once it is paid', async () => {
    const { crm, engine, events, id, runUntil } = await setup()
    for (const rule of dunningRules()) engine.register(rule)
    await runUntil('2026-01-28') // first installment: −3, 0, +7 sent
    await crm.plugins.receivables.recordPayment(id, {
      amountMinor: 100_000,
      currency: 'EUR',
      receivedOn: '2026-01-28',
    })
    await runUntil('2026-04-30')
    const steps = events
      .filter((e) => e.name === 'installment.dunning')
      .map((e) => [e.data['dueDate'], e.data['offset']])
    expect(steps).toEqual([
      ['2026-01-20', -3],
      ['2026-01-20', 0],
      ['2026-01-20', 7],
      ['2026-02-20', -3],
      ['2026-02-20', 0],
      ['2026-02-20', 7],
      ['2026-02-20', 14],
      ['2026-02-20', 30],
    ])
  })

  it('stops dunning a contract voided or terminated before a step comes due; the aging still shows what is owed', async () => {
    const { crm, engine, events, id, runUntil } = await setup()
    for (const rule of dunningRules()) engine.register(rule)
    const second = await crm.entity('contract').create({
      name: 'Globex',
      currency: 'EUR',
      amountMinor: 50_000,
      startDate: '2026-01-01',
      endDate: '2026-12-31',
    })
    const secondId = String(second['id'])
    for (const status of ['pending_approval', 'approved', 'active']) {
      await crm.entity('contract').update(secondId, { status })
    }
    await crm.plugins.receivables.setInstallments(secondId, [{ dueDate: '2026-01-20', amountMinor: 50_000 }])
    await runUntil('2026-01-18') // both: the −3 reminder of 2026-01-20
    await crm.entity('contract').update(id, { status: 'void' })
    await crm.entity('contract').update(secondId, { status: 'terminated' })
    await runUntil('2026-04-30')
    const steps = events
      .filter((e) => e.name === 'installment.dunning')
      .map((e) => [e.data['contractId'], e.data['offset']])
    expect(steps).toEqual([
      [id, -3],
      [secondId, -3],
    ])
    const aging = await crm.plugins.receivables.aging({ asOf: '2026-04-30', currency: 'EUR' })
    expect(aging.totalOutstandingMinor).toBe(50_000) // the terminated contract still owes; the void one does not
  })

  it('refuses unknown contract statuses', () => {
    expect(() => dunningRules({ contractStatuses: ['cancelled' as never] })).toThrow(/contract statuses/)
  })

  it('marks an active contract expiring N days before its end date and emits the reminder once', async () => {
    const { crm, engine, events, id, runUntil } = await setup()
    engine.register(renewalReminderRule({ days: 30 }))
    await runUntil('2026-02-28')
    expect(events.filter((e) => e.name === 'contract.renewal_due')).toEqual([])
    await runUntil('2026-03-05')
    expect(events.filter((e) => e.name === 'contract.renewal_due').map((e) => e.data['contractId'])).toEqual([
      id,
    ])
    expect((await crm.entity('contract').get(id))['status']).toBe('expiring')
  })
})
