import type { AsyncLocalStorage } from 'node:async_hooks'
import type { CrmServices } from '@rapport/core'
import type { Actor, EventBus } from '@rapport/core/events'
import type { HookContext } from '@rapport/core/plugin'
import type { StorageSchema } from '@rapport/core/storage'
import type { FieldCatalog } from '../conditions/field-catalog.js'
import type { JobQueue } from '../queue/job-queue.js'
import type { CompiledRule } from '../rules/compile-rule.js'

/** A function the host registers for `callFunction` actions. */
export type HostFunction = (ctx: HostFunctionContext) => unknown

/** What a host function receives. */
export interface HostFunctionContext {
  /** The record the run is about, as it is now. */
  readonly record: Readonly<Record<string, unknown>>
  /** The action's `args`. */
  readonly args: unknown
  readonly ruleId: string
  readonly runId: string
  readonly tenantId: string
  /** The step's idempotency key (`runId:pc`): pass it to external providers so a retried step is deduplicated. */
  readonly idempotencyKey: string
  /** The CRM services of the run's tenant. */
  readonly crm: CrmServices
}

/** Where an automation-originated write comes from (the loop guard's input). */
export interface Origin {
  readonly depth: number
  readonly chain: readonly string[]
  readonly runId: string
}

/** A run row as stored. */
export interface RunRow {
  readonly id: string
  readonly ruleId: string
  readonly ruleVersion: number
  readonly entity: string
  readonly recordId: string
  readonly enrollmentKey: string
  readonly trigger: string
  readonly anchor: string | null
  readonly status: 'running' | 'waiting' | 'paused' | 'completed' | 'failed' | 'goal' | 'unenrolled'
  readonly depth: number
  readonly pc: number
  readonly chain: readonly string[]
  readonly error: Record<string, unknown> | null
  readonly finishedAt: Date | null
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly version: number
}

/** A step row as stored. */
export interface StepRow {
  readonly id: string
  readonly key: string
  readonly runId: string
  readonly pc: number
  readonly path: string
  readonly action: string
  readonly status: 'done' | 'skipped'
  readonly output: Record<string, unknown> | null
  readonly createdAt: Date
}

/** Internal state shared by the engine's parts. */
export interface EngineRuntime {
  readonly clock: () => Date
  /** The tenant's IANA time zone (per-day limits and quotas count local days in it). */
  readonly timeZone: string
  readonly queue: JobQueue
  readonly rules: Map<string, CompiledRule>
  readonly paused: Set<string>
  readonly functions: ReadonlyMap<string, HostFunction>
  readonly secrets: ReadonlyMap<string, string>
  /** Entities whose writes are watched: record triggers only fire on these. */
  readonly watched: ReadonlySet<string>
  readonly maxDepth: number
  readonly webhookTimeoutMs: number
  readonly events: EventBus<Record<string, unknown>>
  readonly origin: AsyncLocalStorage<Origin>
  readonly schema: () => StorageSchema
  /** The field catalog of a rule target (derived columns included); `undefined` for unknown or automation entities. */
  readonly catalogOf: (entity: string) => FieldCatalog | undefined
  /** The system actor rules run as (`automationPlugin({ actor })`); the CRM's own actor when undefined. */
  readonly actor: Actor | undefined
  /**
   * The services the engine acts through for a tenant: as the plugin's `actor` (else the CRM's), with the
   * `automation` channel; given the rule and run, writes also record them as `channelRef` and `causationId`. Given
   * `transaction` (services of an open transaction), they join it.
   */
  readonly servicesFor: (
    tenantId: string,
    cause?: { readonly ruleId: string; readonly runId: string },
    transaction?: CrmServices,
  ) => CrmServices
  /** Steps executing now, per rule (for `pause()` to drain). */
  readonly inFlight: Map<string, Set<Promise<unknown>>>
  /** When each rule was registered (the first schedule slot counts from it). */
  readonly registeredAt: Map<string, Date>
  /** Persisted state (paused rules) loaded once, lazily. */
  loaded: Promise<void> | null
}

/** Job names used by the engine. */
export const STEP_JOB = 'automation.step'
/** Emits an engine event after the transaction that decided it committed. */
export const EMIT_JOB = 'automation.emit'

/**
 * The services the engine does its bookkeeping through inside a hooked write (enrollment, clocks, scores, pool
 * owners): the writer's transaction, acting as the rule's actor when one is declared, so the writer needs no rights
 * on the automation entities.
 */
export function bookkeepingIn(rt: EngineRuntime, ctx: HookContext): CrmServices {
  return rt.actor === undefined ? ctx.crm : ctx.actingAs(rt.actor, { channel: 'automation' })
}
