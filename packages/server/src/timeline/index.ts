/**
 * `@rapport/server/timeline`: record timelines merged from pluggable sources, without HTTP.
 *
 * @example
 * ```ts
 * import { builtInTimelineSources, readTimeline } from '@rapport/server/timeline'
 *
 * const { data } = await readTimeline(crm, builtInTimelineSources, { entity: 'deal', id, limit: 50 })
 * ```
 *
 * @packageDocumentation
 */
export { builtInTimelineSources } from './built-in-sources.js'
export { readTimeline, type TimelinePage } from './read-timeline.js'
export type { TimelineItem, TimelineQuery, TimelineSource } from './timeline-source.js'
