import type { CrmServices } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import type { RetryPolicy } from '@rapport/core/retry'
import { halfJitter, retryDelay } from '@rapport/core/retry'
import { membershipFilter, segmentFilter } from './segment-filter.js'
import type { Segment, SegmentMembershipEvent, SegmentSweepReport } from './segment-types.js'
import { segmentLoader } from './segment-validation.js'

/** Rows reconciled per transaction. */
const PAGE = 500

/**
 * How a page lost to a concurrent sweep of the same segment is retried. Two app instances whose schedulers sweep at
 * once read the same page; the second to write meets the first's membership rows (`UNIQUE_VIOLATION`) or finds a
 * departed row already deleted (`NOT_FOUND`, `VERSION_CONFLICT`). Its transaction rolled back with its events, and
 * the page read again leaves out what the other sweep wrote, so a retry converges.
 */
const CONCURRENT_SWEEP_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 200 }
const LOST_TO_CONCURRENT_SWEEP = new Set(['UNIQUE_VIOLATION', 'NOT_FOUND', 'VERSION_CONFLICT'])

async function retryingConcurrentSweep<T>(page: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page()
    } catch (error) {
      const lost = isRapportError(error) && LOST_TO_CONCURRENT_SWEEP.has(error.code)
      if (!lost || attempt >= CONCURRENT_SWEEP_RETRY.maxAttempts) throw error
      await new Promise((resolve) =>
        setTimeout(resolve, retryDelay(attempt, CONCURRENT_SWEEP_RETRY, halfJitter())),
      )
    }
  }
}

/**
 * Reconciles one dynamic segment with its stored membership, in the database:
 * - entered = records matching the segment's filter with no membership row (one anti-join query per page);
 * - left = membership rows whose record no longer matches, is archived or was deleted (one query per page, through
 *   the membership's `belongsTo` relation to the entity), deleted with one `deleteMany` per page.
 * Each page is one transaction that writes the rows and queues `segment.entered` / `segment.left`, so a crash loses
 * nothing (the next sweep finds the rest) and an event is never delivered for a write that rolled back. Sweeps of
 * the same segment may run at once (several app instances): a page that loses the race is read again and retried.
 *
 * @internal
 */
export async function sweepSegment(
  crm: CrmServices,
  segment: Segment,
  at: Date,
): Promise<SegmentSweepReport> {
  const where = await segmentFilter(segment, segmentLoader(crm))
  const own = membershipFilter(segment.id)
  const event = (recordId: string): SegmentMembershipEvent => ({
    tenantId: crm.tenantId,
    segmentId: segment.id,
    entity: segment.entity,
    recordId,
    at,
  })
  let entered = 0
  for (;;) {
    const added = await retryingConcurrentSweep(() =>
      crm.transaction(async (tx) => {
        const page = await tx
          .entity(segment.entity)
          .list({ where: { and: [where, { not: own }] }, limit: PAGE })
        await tx.entity('segmentMembership').createMany(
          page.items.map((r) => ({
            segmentId: segment.id,
            recordId: r['id'],
            source: 'rule',
            enteredAt: at,
          })),
        )
        for (const r of page.items) tx.emit('segment.entered', event(r['id'] as string))
        return page.items.length
      }),
    )
    entered += added
    if (added < PAGE) break
  }
  const stillMember: Filter = {
    exists: segment.entity,
    where: { and: [where, { field: 'archivedAt', op: 'isNull', value: true }] },
  }
  let left = 0
  for (;;) {
    const removed = await retryingConcurrentSweep(() =>
      crm.transaction(async (tx) => {
        const page = await tx.entity('segmentMembership').list({
          where: { and: [{ field: 'segmentId', op: 'eq', value: segment.id }, { not: stillMember }] },
          limit: PAGE,
        })
        await tx
          .entity('segmentMembership')
          .deleteMany(page.items.map((row) => ({ id: row['id'] as string })))
        for (const row of page.items) tx.emit('segment.left', event(row['recordId'] as string))
        return page.items.length
      }),
    )
    left += removed
    if (removed < PAGE) break
  }
  const memberCount = await crm
    .entity('segmentMembership')
    .count({ where: { field: 'segmentId', op: 'eq', value: segment.id } })
  await crm.entity('segment').update(segment.id, { sweptAt: at, memberCount })
  return { segmentId: segment.id, entered, left, memberCount }
}
