import type { CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import { isTimeZone, startOfDayIn } from '@rapport/core/time'
import * as z from 'zod'
import { invalidRule } from '../automation-error.js'
import { compileCondition } from '../conditions/compile-condition.js'
import type { CompiledCondition, Condition } from '../conditions/condition-types.js'
import type { FieldCatalog } from '../conditions/field-catalog.js'

const DAY = 86_400_000

/**
 * A customer public pool (公海, as WukongCRM does it): records whose owner does not follow up are reclaimed into the
 * pool, and pool members claim them under a claim policy.
 *
 * @example
 * ```ts
 * const pool: PublicPool = {
 *   id: 'smb',
 *   entity: 'company',
 *   members: ['ann', 'bob'],
 *   reclaim: [{ kind: 'noFollowUp', days: 30 }, { kind: 'noOpenDeal', days: 60 }],
 *   exempt: { field: 'tags', op: 'eq', value: 'locked' },
 *   warnDaysBefore: 3,
 *   claim: { dailyLimit: 5, formerOwnerCooldownDays: 7, ownerCapacity: 200 },
 * }
 * ```
 */
export interface PublicPool {
  readonly id: string
  /** The pooled entity (its `ownerId` is the owner), e.g. `company` or `contact`. */
  readonly entity: string
  /** Users who may claim from the pool. */
  readonly members: readonly string[]
  /**
   * Reclaim rules (the earliest applicable one wins): no follow-up (activity) for `days` since the later of the last
   * activity and the day the owner received the record; no open deal for `days` since received; not won for `days`
   * since received. `levels` restricts a rule to records whose `levelField` has one of these values.
   */
  readonly reclaim: readonly {
    readonly kind: 'noFollowUp' | 'noOpenDeal' | 'notWon'
    readonly days: number
    readonly levels?: readonly string[]
  }[]
  /** The field holding the customer level for per-level rules, e.g. `custom.level`. */
  readonly levelField?: string
  /** Records matching this are never reclaimed (locked customers). */
  readonly exempt?: Condition
  /** Warn (event `pool.reclaim_warning`) this many days before the reclaim. */
  readonly warnDaysBefore?: number
  /** Claim policy. */
  readonly claim?: {
    /**
     * Claims per member per local day of `timeZone` (core's `startOfDayIn`): a team in Beijing gets its day from
     * local midnight, not from 08:00.
     */
    readonly dailyLimit?: number
    /** The team's IANA time zone for `dailyLimit` (default: the plugin's `timeZone`, the tenant's, else UTC). */
    readonly timeZone?: string
    /** Days before a former owner may claim the record back. */
    readonly formerOwnerCooldownDays?: number
    /** Records of the entity a member may own at most. */
    readonly ownerCapacity?: number
  }
  /** Which deals count as won for `notWon` (default: closed at probability 100). */
  readonly wonWhere?: Filter
}

/** A reclaim or claim, as logged. */
export interface PoolLogEntry {
  readonly poolId: string
  readonly recordId: string
  readonly action: 'reclaim' | 'claim' | 'warn'
  readonly userId: string | null
  readonly reason: string
  readonly createdAt: Date
}

/** A compiled pool. */
export interface CompiledPool {
  readonly pool: PublicPool
  readonly exempt: CompiledCondition | null
  /** The time zone the daily claim limit counts days in. */
  readonly timeZone: string
}

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

const poolSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/),
  entity: z.string().min(1),
  members: z.array(z.string().min(1).max(100)).max(10_000),
  reclaim: z
    .array(
      z.strictObject({
        kind: z.enum(['noFollowUp', 'noOpenDeal', 'notWon']),
        days: z.int().min(1).max(36_500),
        levels: z.array(z.string().min(1)).min(1).optional(),
      }),
    )
    .max(50),
  levelField: z.string().min(1).optional(),
  exempt: z.unknown().optional(),
  warnDaysBefore: z.int().min(1).max(365).optional(),
  claim: z
    .strictObject({
      dailyLimit: z.int().min(0).optional(),
      formerOwnerCooldownDays: z.int().min(0).optional(),
      ownerCapacity: z.int().min(0).optional(),
      timeZone: z
        .string()
        .refine((tz) => isTimeZone(tz), { message: 'Unknown IANA time zone' })
        .optional(),
    })
    .optional(),
  wonWhere: z.unknown().optional(),
})

/** Validates a pool definition (`AUTOMATION_INVALID_RULE` with exact paths). */
export function compilePool(
  raw: unknown,
  catalogOf: (entity: string) => FieldCatalog | undefined,
  timeZone = 'UTC',
): CompiledPool {
  const parsed = poolSchema.safeParse(raw)
  const id = (raw as { id?: string } | null)?.id
  if (!parsed.success) {
    throw invalidRule(
      id,
      parsed.error.issues.map((i) => ({
        path: ['pool', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
        message: i.message,
        code: i.code,
      })),
    )
  }
  const pool = parsed.data as PublicPool
  const catalog = catalogOf(pool.entity)
  if (!catalog?.resolve('ownerId')) {
    throw invalidRule(pool.id, [
      { path: ['pool', 'entity'], message: `"${pool.entity}" has no ownerId`, code: 'invalid_value' },
    ])
  }
  if (pool.levelField && !catalog.resolve(pool.levelField)) {
    throw invalidRule(pool.id, [
      { path: ['pool', 'levelField'], message: `Unknown field "${pool.levelField}"`, code: 'unknown_field' },
    ])
  }
  let exempt: CompiledCondition | null = null
  if (pool.exempt !== undefined) {
    const result = compileCondition(pool.exempt, catalog, ['pool', 'exempt'])
    if (!result.ok) throw invalidRule(pool.id, result.issues)
    exempt = result.condition
  }
  return { pool, exempt, timeZone: pool.claim?.timeZone ?? timeZone }
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

async function log(tx: CrmServices, entry: Omit<PoolLogEntry, 'createdAt'>): Promise<void> {
  await tx.entity('automationPoolLog').create(entry)
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
        await log(tx, {
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
        await log(tx, {
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
    await log(tx, { poolId: pool.id, recordId, action: 'claim', userId, reason: 'claimed' })
  })
}

/** The pool's log, oldest first. */
export async function poolLog(
  services: CrmServices,
  poolId: string,
  recordId?: string,
): Promise<PoolLogEntry[]> {
  const out: PoolLogEntry[] = []
  for await (const row of services.entity<PoolLogEntry>('automationPoolLog').iterate({
    where: {
      and: [
        { field: 'poolId', op: 'eq', value: poolId },
        ...(recordId ? [{ field: 'recordId', op: 'eq' as const, value: recordId }] : []),
      ],
    },
    orderBy: [{ field: 'createdAt', direction: 'asc' }],
  })) {
    out.push({
      poolId: row.poolId,
      recordId: row.recordId,
      action: row.action,
      userId: row.userId,
      reason: row.reason,
      createdAt: row.createdAt,
    })
  }
  return out
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
