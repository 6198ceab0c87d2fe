import { describe, expect, it } from 'vitest'
import { dueTimeFilter, isPastDue } from '../../src/time/index.js'
import { expectError, HOUR, setupPipelineCrm } from './helpers.js'

async function setupSupport() {
  const ctx = await setupPipelineCrm()
  const { crm } = ctx
  const calendar = await crm.businessCalendars.create({
    name: 'Berlin office',
    timeZone: 'Europe/Berlin',
    hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
    holidays: ['2026-03-04'],
  })
  const policy = await crm.slaPolicies.create({
    name: 'Standard',
    isDefault: true,
    calendarId: calendar.id,
    targets: [
      { priority: 'high', firstResponseMinutes: 60, resolutionMinutes: 8 * 60 },
      { priority: 'normal', firstResponseMinutes: 4 * 60 },
    ],
  })
  return { ...ctx, calendar, policy }
}

describe('tickets and SLAs', () => {
  it('follows the support flow with reopen, and refuses edges it does not have', async () => {
    const { crm, events } = await setupSupport()
    const ticket = await crm.tickets.create({ subject: 'Cannot log in', priority: 'high' })
    const flow = await crm.pipelines.get(ticket.pipelineId as string)
    const stageOf = (key: string) => flow.stages.find((s) => s.key === key)?.id as string
    expect(ticket.stageId).toBe(stageOf('new'))
    const err = await expectError(crm.tickets.moveStage(ticket.id, stageOf('closed')), 'INVALID_TRANSITION')
    expect(err.details).toMatchObject({
      guard: 'policy',
      allowed: [stageOf('open'), stageOf('pending'), stageOf('resolved')],
    })
    expect(await crm.tickets.get(ticket.id)).toEqual(ticket)
    await crm.tickets.moveStage(ticket.id, stageOf('open'))
    const resolved = await crm.tickets.moveStage(ticket.id, stageOf('resolved'))
    expect(resolved.closedAt).not.toBeNull()
    const reopened = await crm.tickets.moveStage(ticket.id, stageOf('open'), { reason: 'Still broken' })
    expect(reopened.closedAt).toBeNull()
    await crm.tickets.moveStage(ticket.id, stageOf('resolved'))
    await crm.tickets.moveStage(ticket.id, stageOf('closed'))
    const final = await expectError(crm.tickets.moveStage(ticket.id, stageOf('open')), 'INVALID_TRANSITION')
    expect(final.details['guard']).toBe('policy')
    expect(events.filter((e) => e.type === 'ticket.resolved')).toHaveLength(2)
    expect(events.filter((e) => e.type === 'ticket.reopened')).toHaveLength(1)
  })

  it('computes due times in business hours, pauses on pending, and reports status', async () => {
    const { crm, advance, policy } = await setupSupport()
    // Monday 2026-03-02 09:00Z = 10:00 Berlin.
    const ticket = await crm.tickets.create({ subject: 'Outage', priority: 'high' })
    expect(ticket.slaPolicyId).toBe(policy.id)
    expect(ticket.firstResponseDueAt).toEqual(new Date('2026-03-02T10:00:00Z'))
    // 8 business hours from Monday 10:00 local: Tuesday 10:00 local = 09:00Z.
    expect(ticket.resolutionDueAt).toEqual(new Date('2026-03-03T09:00:00Z'))
    advance(HOUR / 2)
    const responded = await crm.tickets.recordResponse(ticket.id)
    expect(responded.firstResponseDueAt).toBeNull()
    const flow = await crm.pipelines.get(ticket.pipelineId as string)
    const stageOf = (key: string) => flow.stages.find((s) => s.key === key)?.id as string
    advance(HOUR / 2)
    const pending = await crm.tickets.moveStage(ticket.id, stageOf('pending'))
    expect(pending.resolutionDueAt).toBeNull()
    expect((await crm.tickets.sla(ticket.id)).resolution).toMatchObject({
      state: 'on_track',
      paused: true,
      elapsedMs: HOUR,
    })
    // Resume on Wednesday 11:00 local, a holiday: the 7 remaining business hours run Thursday 09:00–16:00 local.
    advance(2 * 24 * HOUR)
    const resumed = await crm.tickets.moveStage(ticket.id, stageOf('open'))
    expect(resumed.resolutionDueAt).toEqual(new Date('2026-03-05T15:00:00Z'))
    const sla = await crm.tickets.sla(ticket.id)
    expect(sla.firstResponse).toMatchObject({ state: 'met', elapsedMs: HOUR / 2 })
  })

  it('checkSla marks breaches and emits ticket.sla_breached once per breach', async () => {
    const { crm, advance, events, now } = await setupSupport()
    const urgent = await crm.tickets.create({ subject: 'Outage', priority: 'high' })
    const calm = await crm.tickets.create({ subject: 'Question', priority: 'normal' })
    const untargeted = await crm.tickets.create({ subject: 'Idea', priority: 'low' })
    expect(untargeted.firstResponseDueAt).toBeNull()
    expect(await crm.tickets.checkSla()).toEqual([])
    advance(2 * HOUR)
    const breaches = await crm.tickets.checkSla()
    expect(breaches).toEqual([
      { ticketId: urgent.id, metric: 'firstResponse', dueAt: new Date('2026-03-02T10:00:00Z') },
    ])
    expect((await crm.tickets.get(urgent.id)).firstResponseBreachedAt).toEqual(now())
    expect(await crm.tickets.checkSla()).toEqual([])
    advance(24 * HOUR)
    const later = await crm.tickets.checkSla()
    expect(later.map((b) => [b.ticketId, b.metric]).sort()).toEqual(
      [
        [calm.id, 'firstResponse'],
        [urgent.id, 'resolution'],
      ].sort(),
    )
    const emitted = events.filter((e) => e.type === 'ticket.sla_breached')
    expect(emitted.map((e) => [e.payload['id'], e.payload['metric']])).toHaveLength(3)
    expect(await crm.tickets.checkSla()).toEqual([])
    await expectError(crm.tickets.checkSla(new Date('nope')), 'VALIDATION_FAILED')
  })

  it('breaches exactly when the due time is past (core’s one rule: isPastDue, dueTimeFilter)', async () => {
    const { crm } = await setupSupport()
    // Monday 2026-03-02 09:00Z: first response due at 10:00Z.
    const ticket = await crm.tickets.create({ subject: 'Outage', priority: 'high' })
    const due = ticket.firstResponseDueAt as Date
    for (const at of [new Date(due.getTime() - 1), due]) {
      expect(isPastDue(due, at)).toBe(false)
      expect(await crm.tickets.checkSla(at)).toEqual([])
      expect((await crm.tickets.list({ where: dueTimeFilter('firstResponseDueAt', at) })).items).toEqual([])
    }
    const after = new Date(due.getTime() + 1)
    expect(isPastDue(due, after)).toBe(true)
    const overdue = await crm.tickets.list({ where: dueTimeFilter('firstResponseDueAt', after) })
    expect(overdue.items.map((t) => t.id)).toEqual([ticket.id])
    expect((await crm.tickets.checkSla(after)).map((b) => [b.ticketId, b.metric])).toEqual([
      [ticket.id, 'firstResponse'],
    ])
  })

  it('recordResponse refuses an at outside years 0000–9999 or invalid, answered or not, and writes nothing', async () => {
    const { crm } = await setupSupport()
    const open = await crm.tickets.create({ subject: 'Open', priority: 'high' })
    const answered = await crm.tickets.recordResponse(
      (await crm.tickets.create({ subject: 'Answered', priority: 'high' })).id,
    )
    const bad = [
      new Date(Date.UTC(10000, 0, 1)),
      new Date(Date.UTC(-1, 0, 1)),
      new Date(8.64e15),
      new Date(Number.NaN),
    ]
    for (const ticket of [open, answered]) {
      for (const at of bad) {
        await expectError(crm.tickets.recordResponse(ticket.id, { at }), 'VALIDATION_FAILED')
        expect(await crm.tickets.get(ticket.id)).toEqual(ticket)
      }
    }
    // checkSla writes `now` as the breach mark: a far date is refused the same way, nothing marked.
    await expectError(crm.tickets.checkSla(new Date(Date.UTC(10000, 0, 1))), 'VALIDATION_FAILED')
    expect(await crm.tickets.get(open.id)).toEqual(open)
  })
})
