import type { Filter } from '@rapport/core/filter'
import { isTimeZone } from '@rapport/core/time'
import * as z from 'zod'
import { invalidRule } from '../automation-error.js'
import { compileCondition } from '../conditions/compile-condition.js'
import type { CompiledCondition, Condition } from '../conditions/condition-types.js'
import type { FieldCatalog } from '../conditions/field-catalog.js'

// What a public pool is: its definition, checked and compiled once at registration. public-pool.ts runs pools.

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

/** A compiled pool. */
export interface CompiledPool {
  readonly pool: PublicPool
  readonly exempt: CompiledCondition | null
  /** The time zone the daily claim limit counts days in. */
  readonly timeZone: string
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
