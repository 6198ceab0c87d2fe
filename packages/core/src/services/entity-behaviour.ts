import type { Session } from '../crm/session.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'

/**
 * Entity-specific behaviour layered on the generic service by core (pipelines mint stage ids, activities keep
 * their record links, …).
 *
 * @internal
 */
export interface EntityBehaviour {
  /** Adjusts a validated record before it is written; may throw `VALIDATION_FAILED`. */
  prepare?(
    record: Record<string, unknown>,
    session: Session,
    current: Record<string, unknown> | null,
  ): Promise<void>
  /**
   * Optional: `prepare` for the records of one create call at once, so a check that reads storage reads once per
   * batch. It must throw what calling `prepare` on each record in order would throw first.
   */
  prepareMany?(records: readonly Record<string, unknown>[], session: Session): Promise<void>
  /** Runs after the row is written, inside the transaction. */
  afterWrite?(
    record: Record<string, unknown>,
    session: Session,
    before: Record<string, unknown> | null,
  ): Promise<void>
  /**
   * Optional: `afterWrite` for the records of one create call at once (more than one), in place of calling
   * `afterWrite(record, session, null)` on each, so their dependent rows are written with one statement.
   */
  afterCreateMany?(records: readonly Record<string, unknown>[], session: Session): Promise<void>
  /** Runs before the row is deleted, inside the transaction. */
  beforeDelete?(record: Record<string, unknown>, session: Session): Promise<void>
}

/**
 * What every part of an entity service works from: the session the service is bound to, the entity and its
 * behaviour. The parts are free functions over this context so that each concept lives in its own file.
 *
 * @internal
 */
export interface EntityContext {
  /** The session the service was created with (writes run on the transaction's session instead). */
  readonly session: Session
  readonly entity: ResolvedEntity
  readonly behaviour: EntityBehaviour
}
