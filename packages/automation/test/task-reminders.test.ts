import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, describe, expect, it } from 'vitest'
import type { TaskReminderDue } from '../src/index.js'
import { TASK_REMINDER_EVENT } from '../src/index.js'
import { setup } from './helpers.js'

const MINUTE = 60_000
const open: TestStorage[] = []
afterAll(async () => {
  for (const s of open) await s.dispose()
})

describe.each(storages)('Task.reminders are delivered through the automation clock ($name)', (s) => {
  it('each reminder once, at its instant; moved, removed, done and past-due reminders follow the task', async () => {
    const storage = await s.open('reminders')
    open.push(storage)
    const { crm, engine, now, advance } = await setup({}, storage.storage)
    const got: TaskReminderDue[] = []
    engine.events.on(TASK_REMINDER_EVENT, (e) => {
      got.push(e as unknown as TaskReminderDue)
    })
    const t0 = now().getTime()
    const iso = (ms: number) => new Date(t0 + ms).toISOString()
    const call = await crm.tasks.create({
      title: 'Call Ada',
      assigneeId: 'usr_ann',
      dueAt: new Date(t0 + 120 * MINUTE),
      reminders: [{ minutesBefore: 60 }, { at: iso(30 * MINUTE) }, { minutesBefore: 90 }],
    })
    const done = await crm.tasks.create({
      title: 'Done soon',
      dueAt: new Date(t0 + 60 * MINUTE),
      reminders: [{ minutesBefore: 30 }],
    })
    const moved = await crm.tasks.create({
      title: 'Moved',
      dueAt: new Date(t0 + 60 * MINUTE),
      reminders: [{ minutesBefore: 30 }],
    })
    await engine.tick()
    expect(got).toEqual([])
    advance(30 * MINUTE) // t0+30: "Call Ada" 90-before and the fixed instant (the same instant: one reminder)
    await crm.tasks.update(done.id, { status: 'done' })
    await crm.tasks.update(moved.id, { dueAt: new Date(t0 + 240 * MINUTE) })
    await engine.tick()
    await engine.tick() // a re-run delivers nothing twice
    expect(got).toEqual([
      expect.objectContaining({
        taskId: call.id,
        title: 'Call Ada',
        assigneeId: 'usr_ann',
        dueAt: iso(120 * MINUTE),
        remindAt: iso(30 * MINUTE),
      }),
    ])
    advance(30 * MINUTE) // t0+60
    await engine.tick()
    expect(got.map((g) => [g.taskId, g.remindAt])).toEqual([
      [call.id, iso(30 * MINUTE)],
      [call.id, iso(60 * MINUTE)],
    ])
    // The moved task's reminder follows its new due time; once past due, a minutesBefore reminder is not sent.
    advance(150 * MINUTE) // t0+210: moved's reminder (due 240, 30 before) is due
    await engine.tick()
    expect(got.map((g) => [g.taskId, g.remindAt]).at(-1)).toEqual([moved.id, iso(210 * MINUTE)])
    const late = await crm.tasks.create({
      title: 'Late',
      dueAt: new Date(t0 + 200 * MINUTE),
      reminders: [{ minutesBefore: 60 }],
    })
    await engine.tick()
    expect(got.some((g) => g.taskId === late.id)).toBe(false)
    expect(got.some((g) => g.taskId === done.id)).toBe(false)
    expect(got).toHaveLength(3)
    // Deleting a task drops its pending reminders.
    const gone = await crm.tasks.create({ title: 'Gone', reminders: [{ at: iso(300 * MINUTE) }] })
    await crm.tasks.delete(gone.id)
    advance(120 * MINUTE)
    await engine.tick()
    expect(got).toHaveLength(3)
  })
})
