import { isPastDue } from '@rapport/core/time'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, describe, expect, it } from 'vitest'
import { setup } from './helpers.js'

const HOUR = 3_600_000
const open: TestStorage[] = []
afterAll(async () => {
  for (const s of open) await s.dispose()
})

describe.each(storages)('"before dueAt" triggers ($name): core’s one past-due rule', (s) => {
  it('fire from dueAt − offset up to dueAt itself, never for what is already past due', async () => {
    const storage = await s.open('beforedue')
    open.push(storage)
    const { crm, engine, now, advance } = await setup({}, storage.storage)
    // Due times around the boundaries: already overdue when the rule is created, due at the very instant of the
    // sweep, just inside and just outside the one-hour window.
    const offsets = [-2 * HOUR, -HOUR, -1, 0, 1, HOUR - 1, HOUR, HOUR + 1, 2 * HOUR]
    const tasks = []
    for (const ms of offsets) {
      tasks.push(await crm.tasks.create({ title: `due ${ms}`, dueAt: new Date(now().getTime() + ms) }))
    }
    engine.register({
      id: 'remind',
      name: 'An hour before the due time',
      entity: 'task',
      trigger: { type: 'relative', field: 'dueAt', offset: { hours: 1 }, direction: 'before' },
      actions: [{ type: 'emitEvent', event: 'task.due_soon' }],
    })
    const at = now()
    await engine.tick()
    const fired = async () => (await engine.log({ ruleId: 'remind' })).items.map((r) => r.recordId).sort()
    const expected = tasks
      .filter((t) => t.dueAt && !isPastDue(t.dueAt, at) && t.dueAt.getTime() - HOUR <= at.getTime())
      .map((t) => t.id)
      .sort()
    expect(await fired()).toEqual(expected)
    // The boundary: the task due at this very instant is not past due, the one due a millisecond ago is.
    expect(expected).toContain(tasks[3]!.id)
    expect(expected).not.toContain(tasks[2]!.id)
    // An hour later the tasks that entered the window fire; those that became overdue meanwhile never do.
    advance(HOUR + 1)
    await engine.tick()
    const later = now()
    const all = tasks
      .filter(
        (t) =>
          t.dueAt &&
          ((!isPastDue(t.dueAt, at) && t.dueAt.getTime() - HOUR <= at.getTime()) ||
            (!isPastDue(t.dueAt, later) && t.dueAt.getTime() - HOUR <= later.getTime())),
      )
      .map((t) => t.id)
      .sort()
    expect(await fired()).toEqual(all)
    expect(all).not.toContain(tasks[0]!.id)
  })
})
