import type { Actor } from '../events/crm-events.js'
import type { Filter } from '../filter/filter-types.js'
import type { StorageOperations } from '../storage/storage-adapter.js'
import type { Awaitable } from '../types/awaitable.js'

/**
 * What an access policy is asked about: `read` covers get, list, count, search, iterate, related lists, `exists`
 * across relations, aggregates and link targets; `create`, `update` (checked on the row before and the row after) and
 * `delete` (also archive and restore, which are updates) cover writes.
 */
export type AccessAction = 'read' | 'create' | 'update' | 'delete'

/** One question to an {@link AccessPolicy}: may this actor, in this tenant, do this action on this entity? */
export interface AccessRequest {
  /** The entity name, e.g. `deal`, `dealContact`, `stageChange` or a plugin entity. */
  readonly entity: string
  readonly action: AccessAction
  readonly tenantId: string
  /** The acting user; `null` when the host did not say who acts. */
  readonly actor: Actor | null
  /**
   * The storage operations of the unit of work asking: its transaction's when it runs in one (a policy's own reads
   * then see the transaction's writes and, on Postgres with row-level security, run bound to its tenant), the
   * adapter's otherwise. A policy that keeps rules in storage (e.g. `@rapport/access`'s share grants) reads them
   * through these, never through a second connection a single-connection adapter would wait on. Absent when a host
   * asks outside any unit of work.
   */
  readonly storage?: StorageOperations
  /** Whether {@link AccessRequest.storage} is an open transaction (its uncommitted writes must not be cached). */
  readonly inTransaction?: boolean
}

/**
 * The field rights of one actor on one entity. Field names are top-level record fields (`phones`, `amount`) or
 * custom-field paths (`custom.tier`).
 */
export interface FieldRights {
  /** Fields removed from every record the actor reads. They cannot be filtered, sorted or searched on. */
  readonly hidden: ReadonlySet<string>
  /** Fields returned masked (e.g. `+86 139****5678`). They cannot be filtered, sorted, searched or aggregated on. */
  readonly masked: ReadonlyMap<string, (value: unknown) => unknown>
  /** Fields the actor may not set on create or update (`FIELD_FORBIDDEN` names them). */
  readonly readOnly: ReadonlySet<string>
}

/**
 * The access-control port of core, offered by a plugin as `CrmPlugin.access`. Every service path consults it: the
 * scope of `read` is ANDed into get, list, count, search, iterate, aggregates, related lists and into the related
 * side of every `exists`; `create` must hold for the new row, `update` for the row before and the row after the
 * change, `delete` for the row deleted. Records outside the read scope are `NOT_FOUND`, with the message a missing
 * id gets.
 *
 * Implementations must be cheap per call (compile once per actor and entity, then cache): the hot read path asks
 * on every query. `@rapport/access` is one implementation; a host can write its own.
 *
 * @example
 * ```ts
 * const ownRecordsOnly: AccessPolicy = {
 *   scope: ({ actor }) => (actor ? { field: 'ownerId', op: 'eq', value: actor.id } : { or: [] }),
 * }
 * const crm = createCrm({ storage, plugins: [definePlugin({ id: 'mine', access: ownRecordsOnly })] })
 * ```
 */
export interface AccessPolicy {
  /**
   * The rows the actor may act on, in the public filter language (it may use `exists` on the entity's relations;
   * the related entity's own read scope is then applied too). `null` means no restriction; `{ or: [] }` means none.
   */
  scope(request: AccessRequest): Awaitable<Filter | null>
  /** The actor's field rights on an entity; `null` (or no method) means every field is readable and writable. */
  fields?(request: Omit<AccessRequest, 'action'>): FieldRights | null
}
