import type { CrmServices } from '@rapport/core'
import { isPastDue } from '@rapport/core/time'
import type { EngineRuntime } from '../engine/engine-runtime.js'
import { EMIT_JOB } from '../engine/engine-runtime.js'

/** The event a due reminder emits (on `engine.events`, after the sweep's transaction commits). */
export const TASK_REMINDER_EVENT = 'task.reminder_due'

/** What `task.reminder_due` carries (the engine adds `tenantId` and an `idempotencyKey`, as to every emitted event). */
export interface TaskReminderDue {
  readonly taskId: string
  readonly title: string
  readonly assigneeId: string | null
  readonly dueAt: string | null
  /** The reminder's instant (ISO). */
  readonly remindAt: string
}

interface ReminderRow {
  readonly id: string
  readonly version: number
  readonly taskId: string
  readonly key: string
  readonly fireAt: Date
  readonly beforeDue: boolean
  readonly deliveredAt: Date | null
}

type Reminder = { readonly at: string } | { readonly minutesBefore: number }

const rows = (crm: CrmServices) => crm.entity<ReminderRow>('automationReminder')
const OPEN = new Set(['open', 'in_progress'])

/** The instants of a task's reminders (none once it is done or canceled): `at`, or `minutesBefore` the due time. */
function instantsOf(
  task: Readonly<Record<string, unknown>>,
): Map<string, { fireAt: Date; beforeDue: boolean }> {
  const out = new Map<string, { fireAt: Date; beforeDue: boolean }>()
  if (!OPEN.has(task['status'] as string)) return out
  const dueAt = task['dueAt'] instanceof Date ? task['dueAt'] : null
  for (const r of (task['reminders'] as Reminder[] | null) ?? []) {
    const fireAt =
      'at' in r ? new Date(r.at) : dueAt ? new Date(dueAt.getTime() - r.minutesBefore * 60_000) : null
    if (!fireAt || Number.isNaN(fireAt.getTime())) continue
    const key = fireAt.toISOString()
    const beforeDue = !('at' in r)
    out.set(key, { fireAt, beforeDue: (out.get(key)?.beforeDue ?? true) && beforeDue })
  }
  return out
}

/**
 * Brings a task's reminder rows in step with the task, inside its write's transaction: new instants get a row,
 * pending rows whose instant is gone are removed, delivered rows stay (a reminder is delivered once). `created`
 * says the task was inserted in this very write: it has no rows yet, so none is read (a task created by a rule, or
 * any task without reminders, then costs no statement here).
 */
export async function syncReminders(
  crm: CrmServices,
  task: Readonly<Record<string, unknown>>,
  created = false,
): Promise<void> {
  const taskId = task['id'] as string
  const wanted = instantsOf(task)
  if (!created) {
    for await (const row of rows(crm).iterate({ where: { field: 'taskId', op: 'eq', value: taskId } })) {
      if (wanted.has(row.key)) wanted.delete(row.key)
      else if (row.deliveredAt === null) await rows(crm).delete(row.id)
    }
  }
  for (const [key, { fireAt, beforeDue }] of wanted) {
    await rows(crm).create({ taskId, key, fireAt, beforeDue, deliveredAt: null })
  }
}

/** Removes a deleted task's reminder rows. */
export async function dropReminders(crm: CrmServices, taskId: string): Promise<void> {
  for await (const row of rows(crm).iterate({ where: { field: 'taskId', op: 'eq', value: taskId } })) {
    await rows(crm).delete(row.id)
  }
}

/**
 * Delivers every pending reminder whose instant has come (one indexed query, one transaction per reminder): emits
 * `task.reminder_due` through the outbox and marks it delivered under a version guard, so a re-run or a second
 * process never delivers it twice. A `minutesBefore` reminder of a task that is already past due (core's
 * `isPastDue`) is marked without an event, like "before dueAt" triggers.
 */
export async function deliverReminders(rt: EngineRuntime, services: CrmServices, now: Date): Promise<number> {
  const due: ReminderRow[] = []
  for await (const row of rows(services).iterate({
    where: {
      and: [
        { field: 'deliveredAt', op: 'isNull', value: true },
        { field: 'fireAt', op: 'lte', value: now },
      ],
    },
    orderBy: [{ field: 'fireAt', direction: 'asc' }],
  })) {
    due.push(row)
  }
  let delivered = 0
  for (const row of due) {
    const sent = await services.transaction(async (tx) => {
      const task = await tx.entity('task').find(row.taskId)
      const dueAt = task && task['dueAt'] instanceof Date ? task['dueAt'] : null
      const send =
        task !== null &&
        OPEN.has(task['status'] as string) &&
        !(row.beforeDue && dueAt && isPastDue(dueAt, now))
      const marked = await rows(tx)
        .update(row.id, { deliveredAt: now }, { expectedVersion: row.version })
        .then(
          () => true,
          () => false,
        )
      if (!marked || !send || !task) return false
      const data: TaskReminderDue = {
        taskId: row.taskId,
        title: task['title'] as string,
        assigneeId: (task['assigneeId'] as string | null) ?? null,
        dueAt: dueAt ? dueAt.toISOString() : null,
        remindAt: row.key,
      }
      await rt.queue.enqueue({ name: EMIT_JOB, payload: { event: TASK_REMINDER_EVENT, data } }, { tx })
      return true
    })
    if (sent) delivered++
  }
  return delivered
}
