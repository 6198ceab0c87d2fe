import { defineEntity } from '@rapport/core/entities'
import type { RelationDefinition } from '@rapport/core/storage'
import * as z from 'zod'

const id = z.string().min(1).max(200)

/**
 * The kinds of segment, as HubSpot's list processing types:
 * - `static`: members added and removed by hand (`segments.add` / `segments.remove`);
 * - `dynamic`: a filter in core's filter language, evaluated in the database on every `count` and `list`;
 * - `snapshot`: a filter evaluated once (`segments.snapshot`), its members then frozen.
 */
export const segmentKinds = ['static', 'dynamic', 'snapshot'] as const

/** One of {@link segmentKinds}. */
export type SegmentKind = (typeof segmentKinds)[number]

/** How a membership row came to be: by hand, frozen by a snapshot, or by the sweep of a dynamic segment. */
export const membershipSources = ['manual', 'snapshot', 'rule'] as const

/** The relation `@rapport/marketing` adds to every segmentable entity, usable in its `exists` filters. */
export const SEGMENT_MEMBERSHIPS_RELATION = 'segmentMemberships'

/**
 * A saved segment. `include` and `exclude` name other segments of the same entity: the members are
 * (own members ∪ members of every included segment) minus the members of every excluded one.
 */
export const segmentEntity = defineEntity({
  name: 'segment',
  idPrefix: 'seg',
  table: 'marketing_segment',
  shape: {
    name: z.string().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
    /** The entity whose records are members, e.g. `contact`. */
    entity: z.string().min(1).max(100),
    kind: z.enum(segmentKinds),
    /** The filter of a dynamic or snapshot segment (core's filter language). */
    filter: z.record(z.string(), z.unknown()).nullable().optional(),
    include: z.array(id).max(50).default([]),
    exclude: z.array(id).max(50).default([]),
    /** When a snapshot segment's members were frozen. */
    snapshotAt: z.date().nullable().optional(),
    /** When the sweep last reconciled a dynamic segment's membership rows. */
    sweptAt: z.date().nullable().optional(),
    /** The member count at `sweptAt` (or at `snapshotAt`). */
    memberCount: z.int().min(0).nullable().optional(),
  },
  indexes: [{ name: 'by_entity', fields: ['entity', 'kind'] }],
})

/**
 * Builds the membership table: one row per (segment, record). Static and snapshot segments keep their members here;
 * a dynamic segment keeps the membership its last sweep saw (source `rule`), which is what `segment.entered` and
 * `segment.left` are computed against. It can reach each segmentable entity through a `belongsTo` relation named
 * after it, so the sweep finds members whose record was deleted in the same query.
 *
 * @internal
 */
export function segmentMembershipEntity(entities: readonly string[]) {
  const relations: Record<string, RelationDefinition> = {}
  for (const entity of entities)
    relations[entity] = { kind: 'belongsTo', model: entity, localKey: 'recordId' }
  return defineEntity({
    name: 'segmentMembership',
    idPrefix: 'segm',
    table: 'marketing_segment_membership',
    shape: {
      segmentId: id,
      recordId: id,
      source: z.enum(membershipSources),
      enteredAt: z.date(),
    },
    references: { segmentId: { model: 'segment', onDelete: 'cascade' } },
    indexes: [
      { name: 'by_segment_record', fields: ['segmentId', 'recordId'], unique: true },
      { name: 'by_record', fields: ['recordId', 'segmentId'] },
    ],
    relations,
  })
}
