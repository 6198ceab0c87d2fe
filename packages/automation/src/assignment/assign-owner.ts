import type { CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import { localDateOf } from '@rapport/core/time'
import type { CompiledCondition } from '../conditions/condition-types.js'
import type { AssignmentStrategy } from './assignment-types.js'
import { breakTies, lowestLoad, nextRoundRobin } from './pick-assignee.js'

interface StateRow {
  readonly id: string
  readonly key: string
  readonly value: Record<string, unknown>
  readonly version: number
}

/** Reads a persisted automation state value (cursors, pause flags). */
export async function readState(services: CrmServices, key: string): Promise<StateRow | null> {
  const page = await services.entity<StateRow>('automationState').list({
    where: { field: 'key', op: 'eq', value: key },
    limit: 1,
  })
  return page.items[0] ?? null
}

/** Writes a persisted automation state value. */
export async function writeState(
  services: CrmServices,
  key: string,
  value: Record<string, unknown>,
): Promise<void> {
  const states = services.entity<StateRow>('automationState')
  const current = await readState(services, key)
  if (current) await states.update(current.id, { value }, { expectedVersion: current.version })
  else await states.create({ key, value })
}

/** The inputs of {@link chooseAssignee}. */
export interface AssignArgs {
  readonly services: CrmServices
  readonly strategy: AssignmentStrategy
  /** Names the persisted cursor and the quota counters (default: the rule id and action path). */
  readonly strategyKey: string
  readonly entity: string
  readonly record: Readonly<Record<string, unknown>>
  readonly now: Date
  /** The IANA time zone daily quotas count local days in (default `UTC`; the engine passes the tenant's). */
  readonly timeZone?: string
  /** Compiled territory conditions, in order. */
  readonly territories?: readonly CompiledCondition[]
}

/**
 * Chooses an owner with a strategy and records the choice (cursor, assignment log) through `services`, so it
 * commits with the step that assigns. Throws `AUTOMATION_NO_ASSIGNEE` when nobody is eligible.
 */
export async function chooseAssignee(args: AssignArgs): Promise<string> {
  const { services, strategy, record, now } = args
  const recordId = record['id'] as string
  const day = localDateOf(now, args.timeZone ?? 'UTC')
  const assignments = services.entity<{ userId: string }>('automationAssignment')
  const tieBreak = strategy.kind === 'queue' ? undefined : strategy.tieBreak
  const roundRobin = async (users: readonly string[], cursorKey: string) => {
    const state = await readState(services, cursorKey)
    const last = (state?.value['last'] as string | undefined) ?? null
    const ordered = tieBreak && last === null ? breakTies(users, recordId, tieBreak) : users
    const next = last === null ? (ordered[0] as string) : nextRoundRobin(users, last)
    await writeState(services, cursorKey, { last: next })
    return next
  }
  let chosen: string | undefined
  switch (strategy.kind) {
    case 'roundRobin':
      chosen = await roundRobin(strategy.users, `rr:${strategy.cursor ?? args.strategyKey}`)
      break
    case 'leastBusy': {
      const ownerField = strategy.ownerField ?? 'ownerId'
      const service = services.entity(strategy.countEntity ?? args.entity)
      const loads = new Map<string, number>()
      for (const user of strategy.users) {
        const where: Filter[] = [{ field: ownerField, op: 'eq', value: user }]
        if (strategy.openWhere) where.push(strategy.openWhere as Filter)
        loads.set(user, await service.count({ where: { and: where } }))
      }
      chosen = breakTies(
        lowestLoad(strategy.users, (u) => loads.get(u)),
        recordId,
        strategy.tieBreak,
      )[0]
      break
    }
    case 'weighted': {
      const today = new Map<string, number>()
      for await (const a of assignments.iterate({
        where: {
          and: [
            { field: 'strategyKey', op: 'eq', value: args.strategyKey },
            { field: 'day', op: 'eq', value: day },
          ],
        },
      })) {
        today.set(a.userId, (today.get(a.userId) ?? 0) + 1)
      }
      const byId = new Map(strategy.users.map((u) => [u.id, u]))
      const load = (id: string) => {
        const user = byId.get(id)
        const count = today.get(id) ?? 0
        if (!user || (user.dailyQuota !== undefined && count >= user.dailyQuota)) return undefined
        return (count + 1) / user.capacity
      }
      const ids = strategy.users.map((u) => u.id)
      chosen = breakTies(lowestLoad(ids, load), recordId, strategy.tieBreak)[0]
      break
    }
    case 'queue':
      // No choice to make: the queue owns the record until a member claims it.
      chosen = strategy.queueId
      break
    case 'territory': {
      const snapshot = { record, before: null, now }
      const index = (args.territories ?? []).findIndex((t) => t.test(snapshot))
      const territory = index >= 0 ? strategy.territories[index] : undefined
      const users = territory ? territory.users : strategy.fallback
      if (users)
        chosen = await roundRobin(users, `rr:${args.strategyKey}:${territory ? territory.name : '*fallback'}`)
      break
    }
  }
  if (chosen === undefined) {
    throw new RapportError('AUTOMATION_NO_ASSIGNEE', `No eligible user for ${args.entity} "${recordId}"`, {
      details: { strategy: strategy.kind, recordId },
    })
  }
  await assignments.create({
    strategyKey: args.strategyKey,
    userId: chosen,
    entity: args.entity,
    recordId,
    day,
  })
  return chosen
}
