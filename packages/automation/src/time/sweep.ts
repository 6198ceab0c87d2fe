import type { CrmServices } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import { dueTimeFilter } from '@rapport/core/time'
import { Cron } from 'croner'
import { readState, writeState } from '../assignment/assign-owner.js'
import { shiftDate } from '../conditions/shift-date.js'
import type { EngineRuntime } from '../engine/engine-runtime.js'
import { enroll } from '../engine/enroll.js'
import type { CompiledRule } from '../rules/compile-rule.js'

/** What one sweep did. */
export interface SweepReport {
  /** Runs enrolled, per rule id. */
  readonly enrolled: Readonly<Record<string, number>>
}

interface ClockRow {
  readonly recordId: string
  readonly stageId: string | null
  readonly stageEnteredAt: Date | null
  readonly lastActivityAt: Date | null
}

/** The next cron slot strictly after `from`, in the rule's time zone. */
export function nextCronSlot(cron: string, timezone: string | undefined, from: Date): Date | null {
  const job = new Cron(cron, { paused: true, ...(timezone ? { timezone } : {}) })
  try {
    return job.nextRun(from)
  } finally {
    job.stop()
  }
}

async function consider(
  rt: EngineRuntime,
  services: CrmServices,
  rule: CompiledRule,
  record: Record<string, unknown>,
  anchor: string,
  now: Date,
): Promise<boolean> {
  if (rule.conditions && !rule.conditions.test({ record, before: null, now })) return false
  const result = await services.transaction((tx) =>
    enroll(rt, tx, { rule, record, trigger: rule.rule.trigger.type, anchor }),
  )
  return 'runId' in result
}

/**
 * One pass of the time-trigger sweep over one tenant: an indexed query per time rule, then one enrollment per
 * matching record under the unique key (rule, record, anchor). Running it twice, or in two processes at once, never
 * enrolls a record twice for the same anchor; a moved anchor (a deal re-entering a stage) fires again.
 */
export async function sweep(rt: EngineRuntime, tenantId: string): Promise<SweepReport> {
  const services = rt.servicesFor(tenantId)
  const now = rt.clock()
  const enrolled: Record<string, number> = {}
  for (const rule of rt.rules.values()) {
    const trigger = rule.rule.trigger
    if (!rule.options.enabled || rt.paused.has(rule.rule.id)) continue
    if (trigger.type !== 'relative' && trigger.type !== 'inactivity' && trigger.type !== 'schedule') continue
    const entity = rule.rule.entity
    let count = 0
    const cursorKey = `sweep:${rule.rule.id}`
    const cursor = await readState(services, cursorKey)
    if (trigger.type === 'schedule') {
      const last = cursor
        ? new Date(cursor.value['slot'] as string)
        : (rt.registeredAt.get(rule.rule.id) ?? now)
      let slot: Date | null = null
      for (let next = nextCronSlot(trigger.cron, trigger.timezone, last); next && next <= now; ) {
        slot = next
        next = nextCronSlot(trigger.cron, trigger.timezone, next)
      }
      if (slot) {
        const anchor = slot.toISOString()
        for await (const record of services
          .entity(entity)
          .iterate(trigger.where ? { where: trigger.where } : {})) {
          if (await consider(rt, services, rule, record, anchor, now)) count++
        }
        await writeState(services, cursorKey, { slot: anchor })
      }
    } else if (trigger.type === 'relative') {
      // after: anchor + offset <= now  ⇔ anchor <= now − offset; before: anchor − offset <= now ⇔ anchor <= now + offset
      const threshold = shiftDate(now, trigger.offset, trigger.direction === 'after' ? -1 : 1)
      // Instants go to core's filter as Dates: core converts them to the field's own type (a calendar date for date
      // fields, an ISO string for custom datetime fields), so custom.<key> date fields sweep like plain columns.
      const format = (d: Date) => d
      const lastThreshold = cursor ? new Date(cursor.value['threshold'] as string) : null
      const lastSweep = cursor ? new Date(cursor.value['at'] as string) : null
      // before: the window ends at the anchor itself. What is already past due at this sweep (core's one rule,
      // `isPastDue`: anchor < now) never fires, whether it was overdue when the rule was created or the sweep came late.
      const upTo: Filter =
        trigger.direction === 'after'
          ? { field: trigger.field, op: 'lte', value: format(threshold) }
          : {
              and: [
                { field: trigger.field, op: 'lte', value: format(threshold) },
                dueTimeFilter(trigger.field, now, { pastDue: false }),
              ],
            }
      const due: Filter = trigger.where ? { and: [upTo, trigger.where] } : upTo
      const where: Filter =
        lastThreshold && lastSweep
          ? {
              and: [
                due,
                {
                  or: [
                    { field: trigger.field, op: 'gt', value: format(lastThreshold) },
                    { field: 'updatedAt', op: 'gte', value: lastSweep },
                  ],
                },
              ],
            }
          : due
      for await (const record of services.entity(entity).iterate({ where })) {
        const value = trigger.field
          .split('.')
          .reduce<unknown>(
            (v, key) =>
              typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined,
            record,
          )
        const anchor = value instanceof Date ? value.toISOString() : String(value)
        if (await consider(rt, services, rule, record, anchor, now)) count++
      }
      await writeState(services, cursorKey, { threshold: threshold.toISOString(), at: now.toISOString() })
    } else {
      const threshold = shiftDate(now, trigger.duration, -1)
      const field = trigger.anchor
      const lastThreshold = cursor ? new Date(cursor.value['threshold'] as string) : null
      const clocks = services.entity<ClockRow>('automationClock')
      const batch: ClockRow[] = []
      const flush = async () => {
        if (batch.length === 0) return
        const ids = batch.map((c) => c.recordId)
        const byId = new Map<string, Record<string, unknown>>()
        for await (const r of services
          .entity(entity)
          .iterate({ where: { field: 'id', op: 'in', value: ids } })) {
          byId.set(r['id'] as string, r)
        }
        for (const clock of batch) {
          const record = byId.get(clock.recordId)
          if (!record) continue
          if (field === 'stageEnteredAt' && record['stageId'] !== clock.stageId) continue
          const anchorValue = clock[field] as Date
          if (await consider(rt, services, rule, record, anchorValue.toISOString(), now)) count++
        }
        batch.length = 0
      }
      for await (const clock of clocks.iterate({
        where: {
          and: [
            { field: 'entity', op: 'eq', value: entity },
            { field, op: 'lte', value: threshold },
            ...(lastThreshold ? [{ field, op: 'gt' as const, value: lastThreshold }] : []),
          ],
        },
      })) {
        batch.push(clock)
        if (batch.length >= 200) await flush()
      }
      await flush()
      await writeState(services, cursorKey, { threshold: threshold.toISOString() })
    }
    enrolled[rule.rule.id] = count
  }
  return { enrolled }
}
