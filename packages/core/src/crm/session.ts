import type { Actor } from '../events/crm-events.js'
import type { StorageOperations } from '../storage/storage-adapter.js'
import type { CrmRuntime } from './crm-runtime.js'

/** An event waiting for its transaction to commit. */
interface PendingEvent {
  readonly type: string
  readonly payload: unknown
}

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
  readonly #tx: StorageOperations | null
  readonly #pending: PendingEvent[] | null

  constructor(
    runtime: CrmRuntime,
    tenantId: string,
    actor: Actor | null,
    tx: StorageOperations | null = null,
    pending: PendingEvent[] | null = null,
  ) {
    this.runtime = runtime
    this.tenantId = tenantId
    this.actor = actor
    this.#tx = tx
    this.#pending = pending
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
    return new Session(this.runtime, tenantId, actor, this.#tx, this.#pending)
  }

  /** Queues an event for delivery after commit (immediately when the storage has no transactions). */
  queue(type: string, payload: unknown): void {
    if (this.#pending) this.#pending.push({ type, payload })
    else this.runtime.bus.emit(type, payload)
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
        return fn(new Session(this.runtime, this.tenantId, this.actor, tx, attempt))
      })
    } else {
      // Without transactions the write is not atomic; events still wait for the whole operation to succeed.
      result = await fn(new Session(this.runtime, this.tenantId, this.actor, this.runtime.storage, pending))
    }
    for (const event of pending) this.runtime.bus.emit(event.type, event.payload)
    return result
  }

  /** Runs a read; inside a transaction it sees the transaction's own writes. */
  async read<R>(fn: (ops: StorageOperations) => Promise<R>): Promise<R> {
    await this.runtime.ready()
    return fn(this.ops)
  }
}
