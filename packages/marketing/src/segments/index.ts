/**
 * Saved segments: static (members by hand), dynamic (a filter evaluated in the database) and snapshot (frozen at a
 * time), including and excluding each other. Count and list are one query; `sweep()` reconciles dynamic segments and
 * emits `segment.entered` / `segment.left`.
 *
 * @example
 * ```ts
 * const atRisk = await crm.plugins.marketing.segments.create({
 *   name: 'At risk', kind: 'dynamic',
 *   filter: { field: 'custom.rfmSegment', op: 'eq', value: 'At Risk' },
 *   exclude: [doNotContact.id],
 * })
 * await crm.plugins.marketing.segments.count(atRisk.id) // one COUNT(*) in SQL
 * ```
 *
 * @module
 */
export {
  membershipSources,
  SEGMENT_MEMBERSHIPS_RELATION,
  type SegmentKind,
  segmentEntity,
  segmentKinds,
} from './segment-entities.js'
export { membershipFilter, type SegmentLoader, segmentFilter } from './segment-filter.js'
export {
  MAX_MEMBERS_PER_CALL,
  type SegmentListOptions,
  type SegmentService,
} from './segment-service.js'
export type {
  Segment,
  SegmentInput,
  SegmentMembershipEvent,
  SegmentSweepReport,
} from './segment-types.js'
