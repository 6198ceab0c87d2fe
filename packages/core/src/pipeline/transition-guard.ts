import type { Stage } from '../entities/pipeline.js'
import type { Actor } from '../events/crm-events.js'
import type { Awaitable } from '../types/awaitable.js'
import type { CrmServices } from '../types/crm-services.js'
import type { PipelineRules } from './pipeline-shape.js'

/** What a custom transition guard sees. */
export interface TransitionGuardContext {
  /** `deal`, `lead`, `ticket` or `contact`. */
  readonly entity: string
  /** The record as it will be written if the move is allowed. */
  readonly record: Readonly<Record<string, unknown>>
  /** The record before the move; `null` on create. */
  readonly current: Readonly<Record<string, unknown>> | null
  readonly pipeline: PipelineRules
  /** The stage the record leaves; `null` on create and on pipeline changes. */
  readonly from: Stage | null
  readonly to: Stage
  readonly tenantId: string
  readonly actor: Actor | null
  /** Services inside the move's transaction. */
  readonly crm: CrmServices
}

/**
 * What a guard returns: `true`/nothing lets the move through; `false`, a message, or `{ message, missingFields }`
 * refuses it with `INVALID_TRANSITION` naming the guard.
 */
export type TransitionGuardResult =
  | true
  | undefined
  | false
  | string
  | { readonly message: string; readonly missingFields?: readonly string[] }

/**
 * A custom guard, run after the built-in ones inside the move's transaction. Register guards with
 * `createCrm({ transitionGuards })` or on a plugin (see {@link TransitionGuardPlugin}).
 *
 * @example
 * ```ts
 * const needsApproval = defineTransitionGuard({
 *   name: 'discountApproval',
 *   entities: ['deal'],
 *   check: ({ record, to }) =>
 *     to.kind !== 'won' || Number((record.custom as Record<string, unknown>).discount ?? 0) <= 20 ||
 *     'Discounts above 20% need approval before closing',
 * })
 * ```
 */
export interface TransitionGuard {
  /** Reported as `details.guard` when the guard refuses. */
  readonly name: string
  /** Entity types it applies to (default: every staged entity). */
  readonly entities?: readonly string[]
  check(context: TransitionGuardContext): Awaitable<TransitionGuardResult>
}

/**
 * A plugin that contributes transition guards. Pass it in `createCrm({ plugins })` like any plugin; core picks up
 * its `transitionGuards`.
 */
export interface TransitionGuardPlugin {
  readonly transitionGuards?: readonly TransitionGuard[]
}

/** Identity helper that type-checks a {@link TransitionGuard}. */
export function defineTransitionGuard(guard: TransitionGuard): TransitionGuard {
  return guard
}

const registry = new WeakMap<object, readonly TransitionGuard[]>()

/**
 * Registers the guards of one CRM runtime.
 *
 * @internal
 */
export function registerTransitionGuards(runtime: object, guards: readonly TransitionGuard[]): void {
  registry.set(runtime, Object.freeze([...guards]))
}

/**
 * The guards of one CRM runtime.
 *
 * @internal
 */
export function transitionGuardsOf(runtime: object): readonly TransitionGuard[] {
  return registry.get(runtime) ?? []
}
