import type { Filter } from '@rapport/core/filter'
import type { SegmentKind } from './segment-entities.js'

/** A saved segment as stored. */
export interface Segment {
  readonly id: string
  readonly name: string
  readonly description: string | null
  /** The entity whose records are members, e.g. `contact`. */
  readonly entity: string
  readonly kind: SegmentKind
  /** The filter of a dynamic or snapshot segment. */
  readonly filter: Filter | null
  /** Segments whose members are added. */
  readonly include: readonly string[]
  /** Segments whose members are taken out (after the includes). */
  readonly exclude: readonly string[]
  readonly snapshotAt: Date | null
  readonly sweptAt: Date | null
  readonly memberCount: number | null
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly version: number
}

/** Input of `segments.create`. */
export interface SegmentInput {
  readonly name: string
  readonly description?: string | null
  /** Default `contact`. */
  readonly entity?: string
  readonly kind: SegmentKind
  readonly filter?: Filter | null
  readonly include?: readonly string[]
  readonly exclude?: readonly string[]
}

/** The payload of `segment.entered` and `segment.left` (on `crm.events`, after the sweep's write commits). */
export interface SegmentMembershipEvent {
  readonly tenantId: string
  readonly segmentId: string
  readonly entity: string
  readonly recordId: string
  /** The sweep's time (or the time of a manual add/remove). */
  readonly at: Date
}

/** What one sweep of one segment did. */
export interface SegmentSweepReport {
  readonly segmentId: string
  readonly entered: number
  readonly left: number
  /** Members after the sweep. */
  readonly memberCount: number
}
