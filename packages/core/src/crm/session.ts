import type { CustomFieldDefinition } from '../custom-fields/custom-field-definition.js'
import type { CrmSchema } from '../entities/crm-schema.js'
import { RapportError } from '../errors/rapport-error.js'
import type { Actor } from '../events/crm-events.js'
import type { EventBus } from '../events/event-bus.js'
import type { FilterLimits } from '../filter/filter-target.js'
import type { CommitContext, CrmPlugin, QueuedEvent } from '../plugins/crm-plugin.js'
import type { StorageAdapter, StorageOperations } from '../storage/storage-adapter.js'
import type { CrmServices } from '../types/crm-services.js'
import type { CrmLimits } from './crm-limits.js'
import type { WriteOrigin } from './write-origin.js'
import { DEFAULT_WRITE_ORIGIN, parseWriteOrigin } from './write-origin.js'

/**
 * Everything one CRM instance shares between its services and sessions. Immutable after `createCrm`.
 *
 * @internal
 */
export interface CrmRuntime {
  readonly schema: CrmSchema
  readonly storage: StorageAdapter
  readonly clock: () => Date
  readonly nextId: (prefix: string, now: Date) => string
  readonly bus: EventBus<Record<string, unknown>>
  readonly plugins: readonly CrmPlugin[]
  readonly limits: CrmLimits
  readonly filterLimits: Partial<FilterLimits>
  /**
   * Runtime custom fields of a tenant by entity (cached; invalidated on change). Inside a transaction pass its
   * operations: single-connection adapters cannot serve a second reader while a transaction is open.
   */
  customFields(
    tenantId: string,
    ops?: StorageOperations,
  ): Promise<ReadonlyMap<string, readonly CustomFieldDefinition[]>>
  /** Drops a tenant's cached custom fields. */
  invalidateCustomFields(tenantId: string): void
  /** Resolves once every plugin's `init` has run. */
  ready(): Promise<void>
  /** True once `ready()` has resolved, so a read may skip awaiting it (absent: always await). */
  readonly isReady?: () => boolean
  /** The service facade bound to a session (used for hook contexts and transactions). */
  servicesFor(session: Session): CrmServices
}

/** An event waiting for its transaction to commit. */
type PendingEvent = QueuedEvent

/**
 * The unit of work an event was queued in, when that is not the transaction's outermost session: a session joined
 * to the transaction with `scoped({ transaction })` is its own unit, so `beforeCommit` sees its events with its own
 * actor and origin (an audit trail records each batched automation step under its own rule and run).
 */
const unitOf = new WeakMap<PendingEvent, Session>()

/** How many rounds of `beforeCommit` hooks may queue further events before the unit of work is refused. */
const MAX_COMMIT_ROUNDS = 8

/**
 * One unit of work: which tenant and actor, and whether it runs inside a storage transaction. Writes always run in a
 * transaction (joining the open one, if any); their events are queued and delivered only after the outermost commit,
 * and dropped on rollback. When the adapter re-runs a transaction (a deadlock or serialization retry), the aborted
 * attempt's events are dropped with it.
 *
 * @internal
 */
export class Session {
  readonly runtime: CrmRuntime
  readonly tenantId: string
  readonly actor: Actor | null
  /** Why and through which channel this unit of work writes. */
  readonly origin: WriteOrigin
  readonly #tx: StorageOperations | null
  readonly #pending: PendingEvent[] | null
  /** The joined unit of work this session's events belong to; `null` for the transaction's own. */
  #unit: Session | null

  constructor(
    runtime: CrmRuntime,
    tenantId: string,
    actor: Actor | null,
    tx: StorageOperations | null = null,
    pending: PendingEvent[] | null = null,
    origin: WriteOrigin = DEFAULT_WRITE_ORIGIN,
    unit: Session | null = null,
  ) {
    this.runtime = runtime
    this.tenantId = tenantId
    this.actor = actor
    this.origin = origin
    this.#tx = tx
    this.#pending = pending
    this.#unit = unit
  }

  /** Storage operations: the open transaction's, or the adapter's own outside one. */
  get ops(): StorageOperations {
    return this.#tx ?? this.runtime.storage
  }

  /** Whether this session is inside a storage transaction. */
  get inTransaction(): boolean {
    return this.#tx !== null
  }

  /** The same unit of work for another tenant or actor. */
  with(tenantId: string, actor: Actor | null): Session {
    return new Session(this.runtime, tenantId, actor, this.#tx, this.#pending, this.origin, this.#unit)
  }

  /** The same unit of work (transaction, pending events) acting for another actor, optionally with another origin. */
  actingAs(actor: Actor | null, origin: WriteOrigin = this.origin): Session {
    return new Session(this.runtime, this.tenantId, actor, this.#tx, this.#pending, origin, this.#unit)
  }

  /**
   * A unit of work of its own inside this session's transaction, acting for `actor` with `origin`: its writes commit
   * or roll back with the transaction, and `beforeCommit` sees its events with its actor and origin.
   */
  joined(actor: Actor | null, origin: WriteOrigin): Session {
    const session = new Session(this.runtime, this.tenantId, actor, this.#tx, this.#pending, origin)
    session.#unit = session
    return session
  }

  /** Queues an event for delivery after commit (immediately when the storage has no transactions). */
  queue(type: string, payload: unknown): void {
    if (this.#pending) {
      const event = { type, payload }
      if (this.#unit) unitOf.set(event, this.#unit)
      this.#pending.push(event)
    } else this.runtime.bus.emit(type, payload)
  }

  /** Runs `fn` in a transaction, joining the current one if there is one. */
  async write<R>(fn: (session: Session) => Promise<R>): Promise<R> {
    await this.runtime.ready()
    if (this.#tx) return fn(this)
    // Warm the custom-field cache outside the transaction: single-connection adapters serialise everything else.
    await this.runtime.customFields(this.tenantId)
    let pending: PendingEvent[] = []
    let result: R
    if (this.runtime.storage.capabilities.transactions) {
      result = await this.runtime.storage.transaction((tx) => {
        // The adapter may run this callback again after a deadlock or serialization failure: each attempt
        // collects its own events, and only the attempt that committed (the last one) is delivered.
        const attempt: PendingEvent[] = []
        pending = attempt
        const session = new Session(this.runtime, this.tenantId, this.actor, tx, attempt, this.origin)
        return fn(session).then(async (value) => {
          await session.#beforeCommit(attempt)
          return value
        })
      })
    } else {
      // Without transactions the write is not atomic; events still wait for the whole operation to succeed.
      const session = new Session(
        this.runtime,
        this.tenantId,
        this.actor,
        this.runtime.storage,
        pending,
        this.origin,
      )
      result = await fn(session)
      await session.#beforeCommit(pending)
    }
    for (const event of pending) this.runtime.bus.emit(event.type, event.payload)
    return result
  }

  /**
   * Runs every plugin's `beforeCommit` over the events this unit of work queued, inside its transaction; events the
   * hooks queue in turn get further rounds, so a hook sees writes made by other hooks.
   */
  async #beforeCommit(pending: PendingEvent[]): Promise<void> {
    const hooks = this.runtime.plugins.filter((p) => p.beforeCommit)
    if (hooks.length === 0) return
    let seen = 0
    for (let round = 0; seen < pending.length; round++) {
      if (round >= MAX_COMMIT_ROUNDS) {
        throw new RapportError(
          'PLUGIN_ERROR',
          `beforeCommit hooks kept queueing events after ${MAX_COMMIT_ROUNDS} rounds`,
          { details: { rounds: MAX_COMMIT_ROUNDS } },
        )
      }
      const batch = pending.slice(seen)
      seen = pending.length
      // Consecutive events of one unit of work reach the hooks together, with that unit's actor and origin.
      for (let start = 0; start < batch.length; ) {
        const unit = unitOf.get(batch[start] as PendingEvent) ?? this
        let end = start + 1
        while (end < batch.length && (unitOf.get(batch[end] as PendingEvent) ?? this) === unit) end++
        const events = start === 0 && end === batch.length ? batch : batch.slice(start, end)
        const ctx = unit.#commitContext(this.ops)
        for (const plugin of hooks) await plugin.beforeCommit?.(events, ctx)
        start = end
      }
    }
  }

  /** What `beforeCommit` hooks receive for this session's events, inside the transaction `ops`. */
  #commitContext(ops: StorageOperations): CommitContext {
    const session = this
    let services: CrmServices | undefined
    return {
      tenantId: this.tenantId,
      actor: this.actor,
      origin: this.origin,
      storage: ops,
      schema: this.runtime.schema.storage,
      // Built on first use: a hook that writes plugin rows through `storage` (audit) never needs the facade.
      get crm() {
        services ??= session.runtime.servicesFor(session)
        return services
      },
      actingAs: (actor, origin) =>
        this.runtime.servicesFor(
          this.actingAs(actor, origin === undefined ? this.origin : parseWriteOrigin(origin)),
        ),
    }
  }

  /** Runs a read; inside a transaction it sees the transaction's own writes. */
  read<R>(fn: (ops: StorageOperations) => Promise<R>): Promise<R> {
    // Once ready, a read starts at once: no extra promise and tick per call on the hot path.
    if (this.runtime.isReady?.()) {
      try {
        return fn(this.ops)
      } catch (error) {
        return Promise.reject(error)
      }
    }
    return this.runtime.ready().then(() => fn(this.ops))
  }
}
