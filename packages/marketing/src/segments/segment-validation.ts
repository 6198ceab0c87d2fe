import type { CrmServices } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import { MarketingErrorCodes, marketingError } from '../marketing-error.js'
import { segmentFilter } from './segment-filter.js'
import type { Segment } from './segment-types.js'

/** The segment a create or update would store, as the validator sees it. */
type Candidate = Pick<Segment, 'id' | 'kind' | 'filter' | 'include' | 'exclude' | 'entity'>

/** Loads segments through `crm` (inside the write's transaction when called from a hook). */
export function segmentLoader(crm: CrmServices) {
  return async (id: string) => crm.entity<Segment>('segment').find(id)
}

/**
 * Checks a segment before it is written, inside the write's transaction (so a failure writes nothing): the entity is
 * segmentable, the kind has what it needs, kind and entity never change, included/excluded segments exist, select
 * the same entity and form no cycle, and the whole filter compiles against the entity (an unknown field is core's
 * `INVALID_FILTER`, with its path and suggestions).
 */
export async function validateSegment(
  data: Record<string, unknown>,
  current: Record<string, unknown> | null,
  crm: CrmServices,
  entities: readonly string[],
): Promise<void> {
  const merged = { ...(current ?? {}), ...data } as Record<string, unknown>
  const candidate: Candidate = {
    id: (merged['id'] as string | undefined) ?? 'seg_new',
    kind: merged['kind'] as Segment['kind'],
    entity: (merged['entity'] as string | undefined) ?? 'contact',
    filter: (merged['filter'] as Filter | null | undefined) ?? null,
    include: (merged['include'] as string[] | undefined) ?? [],
    exclude: (merged['exclude'] as string[] | undefined) ?? [],
  }
  const invalid = (message: string, details: Record<string, unknown> = {}) =>
    marketingError(MarketingErrorCodes.MARKETING_INVALID_SEGMENT, message, {
      segmentId: current ? candidate.id : null,
      ...details,
    })
  if (!entities.includes(candidate.entity)) {
    throw invalid(
      `Segments cannot select "${candidate.entity}" records; segmentable entities: ${entities.join(', ')}`,
      {
        entity: candidate.entity,
        entities,
      },
    )
  }
  if (current) {
    for (const key of ['kind', 'entity'] as const) {
      if (key in data && data[key] !== current[key]) {
        throw invalid(`A segment's ${key} cannot change (create a new segment)`, { field: key })
      }
    }
  }
  if (candidate.kind === 'dynamic' && !candidate.filter) {
    throw invalid('A dynamic segment needs a filter', { field: 'filter' })
  }
  if (candidate.kind === 'static' && candidate.filter) {
    throw invalid('A static segment has no filter: add members by hand, or make it dynamic', {
      field: 'filter',
    })
  }
  if (candidate.kind === 'snapshot' && !candidate.filter && candidate.include.length === 0) {
    throw invalid('A snapshot segment needs a filter or included segments to freeze', { field: 'filter' })
  }
  const where = await segmentFilter(candidate, segmentLoader(crm), candidate.filter ?? { or: [] })
  // Compiles (and runs, bounded to one row) the whole filter: unknown fields, relations and malformed values are
  // INVALID_FILTER here, when the segment is saved, not when it is first used.
  await crm.entity(candidate.entity).list({ where, limit: 1 })
}
