import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { describe, expect, it } from 'vitest'

const HOUR = 3_600_000

/** A support day in a Berlin office: tickets, a pending pause, a reopen, SLA breaches found by checkSla. */
async function supportDay(storage: StorageAdapter) {
  let now = new Date('2026-03-02T08:00:00.000Z') // Monday 09:00 Berlin
  const crm = createCrm({ storage, clock: () => now })
  try {
    await crm.migrate()
    const emitted: string[] = []
    crm.events.on('ticket.sla_breached', ({ record, metric }) => {
      emitted.push(`${record.subject}:${metric}`)
    })
    const calendar = await crm.businessCalendars.create({
      name: 'Berlin',
      timeZone: 'Europe/Berlin',
      hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
      holidays: ['2026-03-03'],
    })
    await crm.slaPolicies.create({
      name: 'Standard',
      isDefault: true,
      calendarId: calendar.id,
      targets: [
        { priority: 'urgent', firstResponseMinutes: 30, resolutionMinutes: 240 },
        { priority: 'normal', firstResponseMinutes: 240, resolutionMinutes: 960 },
      ],
    })
    const outage = await crm.tickets.create({ subject: 'Outage', priority: 'urgent', channel: 'phone' })
    const question = await crm.tickets.create({ subject: 'Question', priority: 'normal' })
    const flow = await crm.pipelines.get(outage.pipelineId as string)
    const stage = (key: string) => flow.stages.find((s) => s.key === key)?.id as string
    now = new Date(now.getTime() + HOUR / 4)
    await crm.tickets.recordResponse(outage.id)
    await crm.tickets.moveStage(outage.id, stage('open'))
    now = new Date(now.getTime() + HOUR)
    await crm.tickets.moveStage(outage.id, stage('pending'), { reason: 'Waiting for logs' })
    now = new Date(now.getTime() + 5 * HOUR)
    const first = await crm.tickets.checkSla()
    await crm.tickets.moveStage(outage.id, stage('open'))
    now = new Date(now.getTime() + 48 * HOUR) // across the holiday
    const second = await crm.tickets.checkSla()
    const resolved = await crm.tickets.moveStage(outage.id, stage('resolved'))
    const history = (await crm.tickets.stageHistory(outage.id)).map((h) => [
      flow.stages.find((s) => s.id === h.toStageId)?.key,
      h.durationMs,
    ])
    return {
      first: first.map(
        (b) => `${b.ticketId === outage.id ? 'Outage' : 'Question'}:${b.metric}@${b.dueAt.toISOString()}`,
      ),
      second: second.map(
        (b) => `${b.ticketId === outage.id ? 'Outage' : 'Question'}:${b.metric}@${b.dueAt.toISOString()}`,
      ),
      emitted,
      outageSla: await crm.tickets.sla(outage.id),
      questionSla: await crm.tickets.sla(question.id),
      resolvedClosedAt: resolved.closedAt?.toISOString(),
      history,
    }
  } finally {
    await crm.close()
  }
}

describe('tickets and SLAs on SQLite and memory', () => {
  it('finds the same breaches at the same due times on both storages', async () => {
    const memory = await supportDay(createMemoryStorage())
    expect(memory.first).toEqual(['Question:firstResponse@2026-03-02T12:00:00.000Z'])
    // The outage used 1 h 15 m (new and open) before going pending and resumed Monday 15:15 local with 2 h 45 m
    // left: Monday 1 h 45 m, Tuesday is a holiday, Wednesday 09:00 + 1 h = 09:00Z. The question's 16 business hours
    // end Wednesday 17:00 local, after this check.
    expect(memory.second).toEqual(['Outage:resolution@2026-03-04T09:00:00.000Z'])
    expect(memory.emitted).toEqual(['Question:firstResponse', 'Outage:resolution'])
    expect(memory.questionSla.resolution).toMatchObject({
      state: 'at_risk',
      dueAt: new Date('2026-03-04T16:00:00Z'),
    })
    expect(memory.outageSla.resolution?.state).toBe('breached')
    expect(memory.outageSla.firstResponse?.state).toBe('met')
    expect(memory.history).toEqual([
      ['new', null],
      ['open', HOUR / 4],
      ['pending', HOUR],
      ['open', 5 * HOUR],
      ['resolved', 48 * HOUR],
    ])
    expect(await supportDay(createSqliteStorage({ file: ':memory:' }))).toEqual(memory)
  })
})
