import type { Filter } from '@rapport/core/filter'
import { MarketingErrorCodes, marketingError } from '../marketing-error.js'
import { SEGMENT_MEMBERSHIPS_RELATION } from './segment-entities.js'
import type { Segment } from './segment-types.js'

/** Loads a segment by id, or `null` when it does not exist (or is not visible). */
export type SegmentLoader = (id: string) => Promise<Segment | null>

/** The filter selecting the records that have a membership row in `segmentId`. */
export function membershipFilter(segmentId: string): Filter {
  return {
    exists: SEGMENT_MEMBERSHIPS_RELATION,
    where: { field: 'segmentId', op: 'eq', value: segmentId },
  }
}

/** A segment's own members: its filter when dynamic, its membership rows otherwise. */
function ownMembers(segment: Pick<Segment, 'id' | 'kind' | 'filter'>): Filter {
  if (segment.kind === 'dynamic') return segment.filter ?? { or: [] }
  return membershipFilter(segment.id)
}

/**
 * The whole membership of a segment as ONE filter on its entity: (own ∪ included) minus excluded, each nested
 * segment expanded the same way. Count and list then run as one query in the database. A segment met again on the
 * path from the root is a cycle (`MARKETING_SEGMENT_CYCLE`); an unknown, or another entity's, segment is
 * `MARKETING_INVALID_SEGMENT`.
 *
 * @param segment The segment (possibly not saved yet: a create or update being validated).
 * @param load Loads the nested segments.
 * @param own Overrides the segment's own members (a snapshot being taken uses its filter, not its rows).
 */
export async function segmentFilter(
  segment: Pick<Segment, 'id' | 'kind' | 'filter' | 'include' | 'exclude' | 'entity'>,
  load: SegmentLoader,
  own?: Filter,
): Promise<Filter> {
  const expand = async (
    current: Pick<Segment, 'id' | 'kind' | 'filter' | 'include' | 'exclude' | 'entity'>,
    path: readonly string[],
    base: Filter,
  ): Promise<Filter> => {
    const nested = async (id: string): Promise<Filter> => {
      if (id === segment.id || path.includes(id)) {
        throw marketingError(
          MarketingErrorCodes.MARKETING_SEGMENT_CYCLE,
          `Segment "${segment.id}" reaches itself through ${[...path, id].join(' → ')}`,
          { segmentId: segment.id, path: [...path, id] },
        )
      }
      const child = await load(id)
      if (!child) {
        throw marketingError(
          MarketingErrorCodes.MARKETING_INVALID_SEGMENT,
          `Segment "${current.id}" names the unknown segment "${id}"`,
          { segmentId: current.id, unknown: id },
        )
      }
      if (child.entity !== segment.entity) {
        throw marketingError(
          MarketingErrorCodes.MARKETING_INVALID_SEGMENT,
          `Segment "${id}" selects ${child.entity} records, not ${segment.entity}`,
          { segmentId: current.id, other: id, entity: child.entity },
        )
      }
      return expand(child, [...path, id], ownMembers(child))
    }
    const included = [base]
    for (const id of current.include) included.push(await nested(id))
    const excluded: Filter[] = []
    for (const id of current.exclude) excluded.push({ not: await nested(id) })
    const union: Filter = included.length === 1 ? (included[0] as Filter) : { or: included }
    return excluded.length === 0 ? union : { and: [union, ...excluded] }
  }
  return expand(segment, [segment.id], own ?? ownMembers(segment))
}
