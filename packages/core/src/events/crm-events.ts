/** Who performed an operation, when the host says so. */
export interface Actor {
  /** The host's user id. */
  readonly id: string
  /** Anything else the host wants available to filters (`$var: 'actor.role'`) and hooks. */
  readonly [key: string]: unknown
}

/** Fields every event carries. */
export interface EventMeta {
  /** The entity name, e.g. `deal`. */
  readonly entity: string
  /** The record id. */
  readonly id: string
  /** The tenant. */
  readonly tenantId: string
  /** When the change was committed (the CRM clock at write time). */
  readonly at: Date
  /** The acting user, when known. */
  readonly actor: Actor | null
}

/** Payload of `<entity>.created`, `<entity>.archived`, `<entity>.restored` and `<entity>.deleted`. */
export interface RecordEvent<R> extends EventMeta {
  /** The record after the change (before it, for `deleted`). */
  readonly record: R
}

/** Payload of `<entity>.updated`. */
export interface RecordUpdatedEvent<R> extends EventMeta {
  readonly before: R
  readonly after: R
  /** Names of the top-level fields whose values changed. */
  readonly changes: readonly string[]
}

/** The lifecycle events of one entity. */
export type EntityEvents<Name extends string, R> = {
  [K in `${Name}.created` | `${Name}.archived` | `${Name}.restored` | `${Name}.deleted`]: RecordEvent<R>
} & { [K in `${Name}.updated`]: RecordUpdatedEvent<R> }
