import type { CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import { startOfDayIn } from '@rapport/core/time'
import type { CompiledPool, PublicPool } from './pool-definition.js'
import { appendPoolLog } from './pool-log.js'

const DAY = 86_400_000

interface EntryRow {
  readonly id: string
  readonly version: number
  readonly poolId: string
  readonly recordId: string
  readonly status: 'owned' | 'pooled'
  readonly ownerId: string | null
  readonly formerOwnerId: string | null
  readonly receivedAt: Date | null
  readonly pooledAt: Date | null
  readonly warnedFor: string | null
}

function entries(services: CrmServices) {
  return services.entity<EntryRow>('automationPoolEntry')
}

async function entryOf(services: CrmServices, poolId: string, recordId: string): Promise<EntryRow | null> {
  const page = await entries(services).list({
    where: {
      and: [
        { field: 'poolId', op: 'eq', value: poolId },
        { field: 'recordId', op: 'eq', value: recordId },
      ],
    },
    limit: 1,
  })
  return page.items[0] ?? null
}

/** Records that the record got an owner (hook, inside the write's transaction). */
export async function notePoolOwner(
  tx: CrmServices,
  pool: PublicPool,
  recordId: string,
  ownerId: string | null,
  now: Date,
): Promise<void> {
  const entry = await entryOf(tx, pool.id, recordId)
  if (!ownerId) return
  if (!entry) {
    await entries(tx).create({ poolId: pool.id, recordId, status: 'owned', ownerId, receivedAt: now })
  } else if (entry.ownerId !== ownerId || entry.status !== 'owned') {
    await entries(tx).update(entry.id, { status: 'owned', ownerId, receivedAt: now, warnedFor: null })
  }
}

/** When an owned record will be reclaimed, and by which rule; `null` when no rule applies. */
export async function reclaimAtOf(
  services: CrmServices,
  compiled: CompiledPool,
  record: Readonly<Record<string, unknown>>,
  entry: EntryRow,
  now: Date,
): Promise<{ at: Date; reason: string } | null> {
  const { pool } = compiled
  if (entry.status !== 'owned' || !entry.receivedAt) return null
  if (compiled.exempt?.test({ record, before: null, now })) return null
  const level = pool.levelField
    ? pool.levelField
        .split('.')
        .reduce<unknown>((v, k) => (v as Record<string, unknown> | null)?.[k] ?? null, record)
    : null
  const received = entry.receivedAt.getTime()
  const service = services.entity(pool.entity)
  const hasDeal = async (where: Filter) =>
    (await service.count({
      where: {
        and: [
          { field: 'id', op: 'eq', value: record['id'] as string },
          { exists: 'deals', where },
        ],
      },
    })) > 0
  let best: { at: Date; reason: string } | null = null
  for (const rule of pool.reclaim) {
    if (rule.levels && !rule.levels.includes(String(level))) continue
    let from = received
    if (rule.kind === 'noFollowUp') {
      const clocks = await services.entity<{ lastActivityAt: Date | null }>('automationClock').list({
        where: {
          and: [
            { field: 'entity', op: 'eq', value: pool.entity },
            { field: 'recordId', op: 'eq', value: record['id'] as string },
          ],
        },
        limit: 1,
      })
      const last = clocks.items[0]?.lastActivityAt?.getTime() ?? 0
      from = Math.max(received, last)
    } else if (rule.kind === 'noOpenDeal') {
      if (await hasDeal({ field: 'closedAt', op: 'isNull', value: true })) continue
    } else if (
      await hasDeal(
        pool.wonWhere ?? {
          and: [
            { field: 'closedAt', op: 'isNull', value: false },
            { field: 'probability', op: 'eq', value: 100 },
          ],
        },
      )
    ) {
      continue
    }
    const at = new Date(from + rule.days * DAY)
    if (!best || at < best.at) best = { at, reason: `${rule.kind}:${rule.days}d` }
  }
  return best
}

/**
 * One pass over a pool: reclaims due records (owner cleared, former owner kept, logged) and warns owners of records
 * due within `warnDaysBefore`. Returns the events to emit after commit.
 */
export async function sweepPool(
  services: CrmServices,
  compiled: CompiledPool,
  now: Date,
): Promise<{ event: string; payload: Record<string, unknown> }[]> {
  const { pool } = compiled
  const events: { event: string; payload: Record<string, unknown> }[] = []
  const owned: EntryRow[] = []
  for await (const entry of entries(services).iterate({
    where: {
      and: [
        { field: 'poolId', op: 'eq', value: pool.id },
        { field: 'status', op: 'eq', value: 'owned' },
      ],
    },
  })) {
    owned.push(entry)
  }
  for (const entry of owned) {
    const record = await services.entity(pool.entity).find(entry.recordId)
    if (!record || record['ownerId'] !== entry.ownerId) continue
    const due = await reclaimAtOf(services, compiled, record, entry, now)
    if (!due) continue
    if (due.at <= now) {
      await services.transaction(async (tx) => {
        await tx.entity(pool.entity).update(entry.recordId, { ownerId: null })
        await entries(tx).update(entry.id, {
          status: 'pooled',
          ownerId: null,
          formerOwnerId: entry.ownerId,
          pooledAt: now,
          warnedFor: null,
        })
        await appendPoolLog(tx, {
          poolId: pool.id,
          recordId: entry.recordId,
          action: 'reclaim',
          userId: entry.ownerId,
          reason: due.reason,
        })
      })
      events.push({
        event: 'pool.reclaimed',
        payload: {
          poolId: pool.id,
          recordId: entry.recordId,
          formerOwnerId: entry.ownerId,
          reason: due.reason,
        },
      })
    } else if (
      pool.warnDaysBefore &&
      due.at.getTime() - pool.warnDaysBefore * DAY <= now.getTime() &&
      entry.warnedFor !== due.at.toISOString()
    ) {
      await services.transaction(async (tx) => {
        await entries(tx).update(entry.id, { warnedFor: due.at.toISOString() })
        await appendPoolLog(tx, {
          poolId: pool.id,
          recordId: entry.recordId,
          action: 'warn',
          userId: entry.ownerId,
          reason: `${due.reason} at ${due.at.toISOString()}`,
        })
      })
      events.push({
        event: 'pool.reclaim_warning',
        payload: {
          poolId: pool.id,
          recordId: entry.recordId,
          ownerId: entry.ownerId,
          reclaimAt: due.at.toISOString(),
          reason: due.reason,
        },
      })
    }
  }
  return events
}

function refused(reason: string, details: Record<string, unknown>): RapportError {
  return new RapportError('AUTOMATION_CLAIM_REFUSED', `Claim refused: ${reason}`, {
    details: { reason, ...details },
  })
}

/**
 * Claims a pooled record for `userId` under the pool's claim policy (member, daily limit, former-owner cooldown,
 * owner capacity). A refused claim throws `AUTOMATION_CLAIM_REFUSED` with `details.reason` and writes nothing.
 */
export async function claimFromPool(
  services: CrmServices,
  compiled: CompiledPool,
  recordId: string,
  userId: string,
  now: Date,
): Promise<void> {
  const { pool } = compiled
  const details = { poolId: pool.id, recordId, userId }
  await services.transaction(async (tx) => {
    if (!pool.members.includes(userId)) throw refused('not-member', details)
    const entry = await entryOf(tx, pool.id, recordId)
    if (entry?.status !== 'pooled') throw refused('not-in-pool', details)
    const policy = pool.claim ?? {}
    if (policy.formerOwnerCooldownDays && entry.formerOwnerId === userId && entry.pooledAt) {
      const until = entry.pooledAt.getTime() + policy.formerOwnerCooldownDays * DAY
      if (now.getTime() < until)
        throw refused('cooldown', { ...details, until: new Date(until).toISOString() })
    }
    if (policy.dailyLimit !== undefined) {
      // The local day of the team (or tenant), through core's one time-zone implementation.
      const dayStart = startOfDayIn(now, compiled.timeZone)
      const today = await tx.entity('automationPoolLog').count({
        where: {
          and: [
            { field: 'poolId', op: 'eq', value: pool.id },
            { field: 'userId', op: 'eq', value: userId },
            { field: 'action', op: 'eq', value: 'claim' },
            { field: 'createdAt', op: 'gte', value: dayStart },
          ],
        },
      })
      if (today >= policy.dailyLimit) throw refused('daily-limit', { ...details, limit: policy.dailyLimit })
    }
    if (policy.ownerCapacity !== undefined) {
      const owned = await tx
        .entity(pool.entity)
        .count({ where: { field: 'ownerId', op: 'eq', value: userId } })
      if (owned >= policy.ownerCapacity)
        throw refused('capacity', { ...details, capacity: policy.ownerCapacity })
    }
    await tx.entity(pool.entity).update(recordId, { ownerId: userId })
    await entries(tx).update(entry.id, { status: 'owned', ownerId: userId, receivedAt: now, warnedFor: null })
    await appendPoolLog(tx, { poolId: pool.id, recordId, action: 'claim', userId, reason: 'claimed' })
  })
}

/** The records currently in the pool. */
export async function pooledRecords(services: CrmServices, poolId: string): Promise<string[]> {
  const out: string[] = []
  for await (const row of entries(services).iterate({
    where: {
      and: [
        { field: 'poolId', op: 'eq', value: poolId },
        { field: 'status', op: 'eq', value: 'pooled' },
      ],
    },
  })) {
    out.push(row.recordId)
  }
  return out
}

export { entryOf }
