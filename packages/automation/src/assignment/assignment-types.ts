import type { Filter } from '@rapport/core/filter'
import type { Condition } from '../conditions/condition-types.js'

/** How ties between equally good candidates are broken: by the order of `users` (default), or seeded. */
export interface TieBreak {
  /** A seed: candidates are ordered by a hash of (seed, record id, user id), reproducibly. */
  readonly seed: string
}

/** One user of a weighted strategy. */
export interface WeightedUser {
  readonly id: string
  /** Relative capacity: a user with capacity 2 receives twice as many records as one with 1. */
  readonly capacity: number
  /** At most this many assignments per local day (the plugin's `timeZone`, the tenant's; default UTC). */
  readonly dailyQuota?: number
}

/** A first-match territory: records matching `when` go to `users` (round-robin within the territory). */
export interface Territory {
  readonly name: string
  readonly when: Condition
  readonly users: readonly string[]
}

/**
 * How an owner is chosen:
 * - `roundRobin`: the next user after a cursor persisted per rule (or per `cursor` name shared by rules);
 * - `leastBusy`: the user owning the fewest records of `countEntity` matching `openWhere` (what counts as open);
 * - `weighted`: the user furthest below their capacity share today, skipping users at their daily quota;
 * - `territory`: the first territory whose condition holds, then round-robin among its users (`fallback` when none);
 * - `queue`: the record goes to a queue (`@rapport/queues`): the owner becomes the queue's id, and a member claims
 *   it from there. A queue id also works wherever a strategy lists user ids (a territory routed to a queue).
 */
export type AssignmentStrategy =
  | {
      readonly kind: 'roundRobin'
      readonly users: readonly string[]
      readonly cursor?: string
      readonly tieBreak?: TieBreak
    }
  | {
      readonly kind: 'leastBusy'
      readonly users: readonly string[]
      /** The entity whose records are counted (default: the rule's entity). */
      readonly countEntity?: string
      /** Which records count as open work (core filter language). */
      readonly openWhere?: Filter
      /** The owner field of `countEntity` (default `ownerId`). */
      readonly ownerField?: string
      readonly tieBreak?: TieBreak
    }
  | { readonly kind: 'weighted'; readonly users: readonly WeightedUser[]; readonly tieBreak?: TieBreak }
  | {
      readonly kind: 'territory'
      readonly territories: readonly Territory[]
      readonly fallback?: readonly string[]
      readonly tieBreak?: TieBreak
    }
  | {
      readonly kind: 'queue'
      /** The queue's id (`que_…`); the queues plugin checks that it exists and takes the rule's entity. */
      readonly queueId: string
    }
