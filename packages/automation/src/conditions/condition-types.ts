import type {
  BetweenCondition,
  CompareCondition,
  FilterDuration,
  FilterValue,
  ListCondition,
  NullCondition,
  TextCondition,
} from '@rapport/core/filter'

/**
 * A change predicate, evaluated on the record before and after the write that triggered the rule:
 * - `changed`: the value differs;
 * - `changedFrom` / `changedTo`: it differs, and the old / new value equals `value`;
 * - `increasedBy` / `decreasedBy`: a number that grew / shrank by at least `value`.
 *
 * On a create, "before" is an empty record, so `changedTo` matches the initial value.
 */
export type ChangeCondition =
  | { readonly field: string; readonly op: 'changed' }
  | { readonly field: string; readonly op: 'changedFrom' | 'changedTo'; readonly value: FilterValue }
  | { readonly field: string; readonly op: 'increasedBy' | 'decreasedBy'; readonly value: number }

/**
 * A rule condition: the core filter language (`and`/`or`/`not` over `{ field, op, value }`, placeholders such as
 * `{ $ago: { days: 15 } }` bound to the evaluation time) plus {@link ChangeCondition}s. `exists` is not available in
 * conditions (they run on one record in memory); use it in a schedule trigger's `where` instead.
 *
 * @example
 * ```ts
 * const wentBig: Condition = {
 *   and: [
 *     { field: 'amount.amountMinor', op: 'gte', value: 5_000_000 },
 *     { field: 'amount.amountMinor', op: 'changed' },
 *   ],
 * }
 * ```
 */
export type Condition =
  | { readonly and: readonly Condition[] }
  | { readonly or: readonly Condition[] }
  | { readonly not: Condition }
  | CompareCondition
  | ListCondition
  | TextCondition
  | NullCondition
  | BetweenCondition
  | ChangeCondition

/** What conditions are evaluated against: the record after (and before) a change, and the evaluation time. */
export interface RecordSnapshot {
  /** The record as it is now (after the change); for deletes, the deleted record. */
  readonly record: Readonly<Record<string, unknown>>
  /** The record before the change; `null` on creates and for time and schedule triggers. */
  readonly before: Readonly<Record<string, unknown>> | null
  /** The evaluation instant: placeholders such as `{ $ago: { days: 15 } }` are computed from it. */
  readonly now: Date
}

/** The result of one condition node in a dry run ({@link CompiledCondition.trace}). */
export interface ConditionTrace {
  /** Where the node sits in the rule, e.g. `conditions.and[1]`. */
  readonly path: string
  /** The node kind. */
  readonly kind: 'and' | 'or' | 'not' | 'condition'
  /** Whether the node held. */
  readonly result: boolean
  /** For conditions: the field, operator and compared values. */
  readonly field?: string
  readonly op?: string
  readonly actual?: unknown
  readonly previous?: unknown
  readonly expected?: unknown
  /** For groups: the children, every one evaluated (no short-circuit in traces). */
  readonly children?: readonly ConditionTrace[]
}

/** A condition compiled once into synchronous closures. */
export interface CompiledCondition {
  /** Evaluates the condition; never throws and never awaits. */
  readonly test: (snapshot: RecordSnapshot) => boolean
  /** Evaluates every node and reports each result (for dry runs and debugging UIs). */
  readonly trace: (snapshot: RecordSnapshot) => ConditionTrace
  /** The field paths the condition reads. */
  readonly reads: readonly string[]
  /** Whether the condition uses change predicates (they are always false without a `before` record). */
  readonly usesChanges: boolean
}

export type { FilterDuration }
