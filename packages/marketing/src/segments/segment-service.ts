import type { CrmServices } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import type { OrderBy, Page } from '@rapport/core/services'
import { MarketingErrorCodes, marketingError } from '../marketing-error.js'
import { segmentFilter } from './segment-filter.js'
import { sweepSegment } from './segment-sweep.js'
import type { Segment, SegmentInput, SegmentSweepReport } from './segment-types.js'
import { segmentLoader } from './segment-validation.js'

/** The largest number of record ids one `add` or `remove` call takes. */
export const MAX_MEMBERS_PER_CALL = 1000

/** Options of `segments.list`. */
export interface SegmentListOptions {
  readonly limit?: number
  readonly cursor?: string | null
  readonly orderBy?: readonly OrderBy[]
}

/**
 * Saved segments, as `crm.plugins.marketing.segments`. Count and list run as ONE query on the segment's entity: a
 * dynamic segment's filter, static and snapshot members through the `segmentMemberships` relation, includes and
 * excludes as `or`/`not` of the nested segments' filters.
 */
export interface SegmentService {
  /** Creates a segment; a bad filter, cycle or unknown segment is a typed error and nothing is written. */
  create(input: SegmentInput): Promise<Segment>
  get(id: string): Promise<Segment>
  /** Updates name, description, filter, include or exclude (validated like `create`). */
  update(
    id: string,
    patch: Partial<Pick<SegmentInput, 'name' | 'description' | 'filter' | 'include' | 'exclude'>>,
  ): Promise<Segment>
  delete(id: string): Promise<void>
  /** The segment's whole membership as one filter on its entity, for your own `list`, `count` or `exists`. */
  filter(id: string): Promise<Filter>
  /** The number of members now (one `count` query). */
  count(id: string): Promise<number>
  /** One page of members now, keyset-paginated like every list. */
  list(id: string, options?: SegmentListOptions): Promise<Page<Record<string, unknown>>>
  /** Adds records to a static segment (at most {@link MAX_MEMBERS_PER_CALL}); returns how many were new. */
  add(id: string, recordIds: readonly string[]): Promise<number>
  /** Removes records from a static segment; returns how many were members. */
  remove(id: string, recordIds: readonly string[]): Promise<number>
  /** Freezes a snapshot segment's members now (again, when called again). */
  snapshot(id: string): Promise<Segment>
  /**
   * Reconciles dynamic segments (one, or all) with their stored membership and emits `segment.entered` /
   * `segment.left` for the difference. Run it on the automation clock (see the marketing guide).
   */
  sweep(id?: string): Promise<SegmentSweepReport[]>
}

const PAGE = 500

/** @internal */
export function createSegmentService(services: () => CrmServices, clock: () => Date): SegmentService {
  const table = () => services().entity<Segment>('segment')
  const memberships = (crm: CrmServices) => crm.entity('segmentMembership')

  const requireKind = (segment: Segment, kind: Segment['kind'], action: string) => {
    if (segment.kind !== kind) {
      throw marketingError(
        MarketingErrorCodes.MARKETING_INVALID_SEGMENT,
        `Only ${kind} segments can ${action}; "${segment.id}" is ${segment.kind}`,
        { segmentId: segment.id, kind: segment.kind },
      )
    }
  }
  const checkIds = (recordIds: readonly string[]) => {
    if (
      !Array.isArray(recordIds) ||
      recordIds.length > MAX_MEMBERS_PER_CALL ||
      recordIds.some((r) => typeof r !== 'string' || r.length === 0 || r.length > 200)
    ) {
      throw marketingError(
        MarketingErrorCodes.MARKETING_INVALID_SEGMENT,
        `Record ids must be 0–${MAX_MEMBERS_PER_CALL} non-empty strings`,
      )
    }
    return [...new Set(recordIds)]
  }
  const filterOf = async (id: string) => {
    const segment = await table().get(id)
    return { segment, where: await segmentFilter(segment, segmentLoader(services())) }
  }

  return {
    create: (input) => table().create({ entity: 'contact', ...input } as Record<string, unknown>),
    get: (id) => table().get(id),
    update: (id, patch) => table().update(id, patch as Record<string, unknown>),
    delete: (id) => table().delete(id),
    filter: async (id) => (await filterOf(id)).where,
    async count(id) {
      const { segment, where } = await filterOf(id)
      return services().entity(segment.entity).count({ where })
    },
    async list(id, options = {}) {
      const { segment, where } = await filterOf(id)
      return services()
        .entity(segment.entity)
        .list({ ...options, where })
    },
    async add(id, recordIds) {
      const ids = checkIds(recordIds)
      return services().transaction(async (tx) => {
        const segment = await tx.entity<Segment>('segment').get(id)
        requireKind(segment, 'static', 'take members by hand')
        if (ids.length === 0) return 0
        const found = await tx
          .entity(segment.entity)
          .list({ where: { field: 'id', op: 'in', value: ids }, limit: ids.length })
        if (found.items.length !== ids.length) {
          const known = new Set(found.items.map((r) => r['id']))
          throw marketingError(
            MarketingErrorCodes.MARKETING_INVALID_SEGMENT,
            `Unknown ${segment.entity} records: ${ids.filter((r) => !known.has(r)).join(', ')}`,
            { segmentId: id, missing: ids.filter((r) => !known.has(r)) },
          )
        }
        const existing = await memberships(tx).list({
          where: {
            and: [
              { field: 'segmentId', op: 'eq', value: id },
              { field: 'recordId', op: 'in', value: ids },
            ],
          },
          limit: ids.length,
        })
        const have = new Set(existing.items.map((m) => m['recordId']))
        const fresh = ids.filter((r) => !have.has(r))
        const at = clock()
        await memberships(tx).createMany(
          fresh.map((recordId) => ({ segmentId: id, recordId, source: 'manual', enteredAt: at })),
        )
        for (const recordId of fresh) {
          tx.emit('segment.entered', {
            tenantId: tx.tenantId,
            segmentId: id,
            entity: segment.entity,
            recordId,
            at,
          })
        }
        return fresh.length
      })
    },
    async remove(id, recordIds) {
      const ids = checkIds(recordIds)
      return services().transaction(async (tx) => {
        const segment = await tx.entity<Segment>('segment').get(id)
        requireKind(segment, 'static', 'lose members by hand')
        if (ids.length === 0) return 0
        const rows = await memberships(tx).list({
          where: {
            and: [
              { field: 'segmentId', op: 'eq', value: id },
              { field: 'recordId', op: 'in', value: ids },
            ],
          },
          limit: ids.length,
        })
        const at = clock()
        for (const row of rows.items) {
          await memberships(tx).delete(row['id'] as string)
          tx.emit('segment.left', {
            tenantId: tx.tenantId,
            segmentId: id,
            entity: segment.entity,
            recordId: row['recordId'],
            at,
          })
        }
        return rows.items.length
      })
    },
    async snapshot(id) {
      return services().transaction(async (tx) => {
        const segment = await tx.entity<Segment>('segment').get(id)
        requireKind(segment, 'snapshot', 'be frozen')
        const at = clock()
        for (;;) {
          const old = await memberships(tx).list({ where: membershipFilterOf(id), limit: PAGE })
          for (const row of old.items) await memberships(tx).delete(row['id'] as string)
          if (!old.hasMore) break
        }
        const where = await segmentFilter(segment, segmentLoader(tx), segment.filter ?? { or: [] })
        let cursor: string | null = null
        let count = 0
        do {
          const page: Page<Record<string, unknown>> = await tx
            .entity(segment.entity)
            .list({ where, limit: PAGE, cursor })
          await memberships(tx).createMany(
            page.items.map((r) => ({ segmentId: id, recordId: r['id'], source: 'snapshot', enteredAt: at })),
          )
          count += page.items.length
          cursor = page.nextCursor
        } while (cursor)
        return tx.entity<Segment>('segment').update(id, { snapshotAt: at, memberCount: count })
      })
    },
    async sweep(id) {
      const crm = services()
      if (id !== undefined) {
        const segment = await table().get(id)
        requireKind(segment, 'dynamic', 'be swept')
        return [await sweepSegment(crm, segment, clock())]
      }
      const reports: SegmentSweepReport[] = []
      for await (const segment of table().iterate({ where: { field: 'kind', op: 'eq', value: 'dynamic' } })) {
        reports.push(await sweepSegment(crm, segment, clock()))
      }
      return reports
    },
  }
}

function membershipFilterOf(segmentId: string): Filter {
  return { field: 'segmentId', op: 'eq', value: segmentId }
}
