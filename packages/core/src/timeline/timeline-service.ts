import type { CrmRuntime, Session } from '../crm/session.js'
import { RapportError } from '../errors/rapport-error.js'
import { LINKED_SOURCE_AT } from '../services/core-behaviours.js'
import { decodeCursor, encodeCursor } from '../services/keyset-cursor.js'
import { failValidation } from '../services/record-validation.js'
import type { StorageOrderBy } from '../storage/storage-filter.js'
import type { CrmServices } from '../types/crm-services.js'
import { coreTimelineSources } from './core-timeline-sources.js'
import { timelineFigures } from './timeline-figures.js'
import type { TimelinePosition, TimelineRead } from './timeline-merged-read.js'
import { readMergedPage } from './timeline-merged-read.js'
import type {
  TimelineFiguresOptions,
  TimelineOptions,
  TimelinePage,
  TimelineService,
  TimelineSource,
  TimelineSubject,
} from './timeline-types.js'

/**
 * The one total order of a timeline: newest first, ties broken by id (ids are prefixed, so unique across kinds).
 * The cursor is core's keyset cursor over these two keys.
 */
const TIMELINE_ORDER: readonly StorageOrderBy[] = Object.freeze([
  { ref: { field: 'at', type: 'datetime' }, direction: 'desc' },
  { ref: { field: 'id', type: 'string' }, direction: 'desc' },
])

/** Every source: core's, then each plugin's in plugin order. A kind declared twice is `INVALID_CONFIG`. */
export function timelineSourcesOf(
  runtime: Pick<CrmRuntime, 'plugins' | 'schema'>,
): readonly TimelineSource[] {
  const sources = [...coreTimelineSources]
  for (const plugin of runtime.plugins) sources.push(...(plugin.timeline ?? []))
  const kinds = new Set<string>()
  for (const source of sources) {
    if (kinds.has(source.kind)) {
      throw new RapportError('INVALID_CONFIG', `Two timeline sources declare the kind "${source.kind}"`, {
        details: { kind: source.kind },
      })
    }
    kinds.add(source.kind)
  }
  return sources
}

function checkSubject(subject: TimelineSubject): void {
  const ok =
    subject !== null &&
    typeof subject === 'object' &&
    (subject.type === 'contact' || subject.type === 'company') &&
    typeof subject.id === 'string' &&
    subject.id.length > 0 &&
    subject.id.length <= 200
  if (!ok) {
    failValidation('timeline', [
      { path: ['subject'], message: 'Expected { type: "contact" | "company", id }', code: 'invalid_value' },
    ])
  }
}

/** `NOT_FOUND` unless the subject exists and the reader may see it. */
async function requireSubject(crm: CrmServices, subject: TimelineSubject): Promise<void> {
  checkSubject(subject)
  await (subject.type === 'contact' ? crm.contacts : crm.companies).get(subject.id)
}

/**
 * The link-indexed form of a source, when it has one: a subject's activities and tasks, whose `recordLink` rows
 * carry the entry's date (`sourceAt`, kept by core on every write of the source).
 */
function linkedOf(source: TimelineSource, subject: TimelineSubject): TimelineRead['linked'] {
  if (!coreTimelineSources.includes(source)) return undefined
  const entity = source.entity as keyof typeof LINKED_SOURCE_AT
  if (LINKED_SOURCE_AT[entity] !== source.at) return undefined
  return { sourceType: entity, subject }
}

/** The position a timeline cursor holds; `INVALID_CURSOR` unless it is an instant and an id. */
function positionOf(cursor: string): TimelinePosition {
  const [at, id] = decodeCursor(cursor, TIMELINE_ORDER)
  if (!(at instanceof Date) || typeof id !== 'string') {
    throw new RapportError('INVALID_CURSOR', 'The cursor does not hold a timeline position')
  }
  return [at, id]
}

/**
 * Builds `crm.timeline` over a session's services. A page is one `newestKeys` read for the keys over every source
 * plus one fetch per kind on the page ({@link readMergedPage}; core's scan stands in for `newestKeys` on storages
 * without it), with the reader's access, masks and scopes as on any list.
 *
 * @internal
 */
export function createTimelineService(crm: CrmServices, session: Session): TimelineService {
  const runtime = session.runtime
  return {
    kinds(type) {
      const probe: TimelineSubject = { type, id: 'probe' }
      return timelineSourcesOf(runtime)
        .filter((s) => s.where(probe) !== null)
        .map((s) => s.kind)
    },

    async page(subject: TimelineSubject, options: TimelineOptions = {}): Promise<TimelinePage> {
      await requireSubject(crm, subject)
      const all = timelineSourcesOf(runtime)
      const limit = options.limit ?? runtime.limits.defaultPageSize
      if (!Number.isInteger(limit) || limit < 1 || limit > runtime.limits.maxPageSize) {
        failValidation('timeline', [
          {
            path: ['options', 'limit'],
            message: `Expected a whole number from 1 to ${runtime.limits.maxPageSize}`,
            code: 'invalid_value',
          },
        ])
      }
      if (options.kinds !== undefined) {
        const known = new Set(all.map((s) => s.kind))
        const unknown = (Array.isArray(options.kinds) ? options.kinds : [options.kinds]).filter(
          (k) => typeof k !== 'string' || !known.has(k),
        )
        if (!Array.isArray(options.kinds) || unknown.length > 0) {
          failValidation('timeline', [
            {
              path: ['options', 'kinds'],
              message: `Unknown timeline kind ${JSON.stringify(unknown[0])}; expected some of ${[...known].join(', ')}`,
              code: 'invalid_value',
            },
          ])
        }
      }
      const wanted = options.kinds ? new Set(options.kinds) : null
      const position = options.cursor ? positionOf(options.cursor) : null
      const reads: TimelineRead[] = []
      for (const source of all) {
        if (wanted !== null && !wanted.has(source.kind)) continue
        const where = source.where(subject)
        if (where === null) continue
        const linked = linkedOf(source, subject)
        reads.push(linked ? { source, where, linked } : { source, where })
      }
      const keyed = await readMergedPage(session, reads, limit, position)
      return {
        items: keyed.items,
        nextCursor:
          keyed.hasMore && keyed.last
            ? encodeCursor({ at: keyed.last.at, id: keyed.last.id }, TIMELINE_ORDER)
            : null,
        hasMore: keyed.hasMore,
      }
    },

    async figures(subject: TimelineSubject, options: TimelineFiguresOptions = {}) {
      await requireSubject(crm, subject)
      return timelineFigures(crm, subject, runtime.clock(), options)
    },
  }
}
