import type { StorageOperations, StorageSchema } from '@rapport/core/storage'
import type { ShareGrant } from '../policy/policy-schema.js'
import { shareGrantEntity, toShareGrant } from './share-grant-entity.js'

/** The grants one tenant has stored, as loaded at one generation. */
export interface LoadedGrants {
  readonly grants: readonly ShareGrant[]
}

/**
 * The stored share grants of each tenant, loaded on first use and dropped on every change. A load made inside a
 * transaction is used by that call but never cached (it may hold the transaction's uncommitted grants); a load
 * outside one is cached only if no change to the tenant's grants was reported while it ran (the generation counter),
 * so a reader that started before a commit cannot put the old grants back after the invalidation.
 *
 * @internal
 */
export class TenantGrants {
  readonly #cache = new Map<string, LoadedGrants>()
  readonly #generation = new Map<string, number>()
  #schema: StorageSchema | undefined
  #fallback: StorageOperations | undefined

  /** Called from the plugin's `init`: the schema holding `shareGrant`, and the adapter for calls made outside a unit of work. */
  bind(schema: StorageSchema, fallback: StorageOperations): void {
    this.#schema = schema
    this.#fallback = fallback
  }

  /** Whether the CRM has a model named `entity`. */
  knows(entity: string): boolean {
    return this.#schema !== undefined && Object.hasOwn(this.#schema.models, entity)
  }

  /** The tenant's cached grants, or `undefined` when they must be loaded. */
  cached(tenantId: string): LoadedGrants | undefined {
    return this.#cache.get(tenantId)
  }

  /** Loads the tenant's live (not archived) grants through `storage` (the caller's unit of work). */
  async load(
    tenantId: string,
    storage: StorageOperations | undefined,
    inTransaction: boolean,
  ): Promise<LoadedGrants> {
    const schema = this.#schema
    const ops = storage ?? this.#fallback
    if (!schema || !ops) return { grants: [] }
    const generation = this.#generation.get(tenantId) ?? 0
    const rows = await ops.findMany({
      model: schema.models[shareGrantEntity.name]!,
      schema,
      tenantId,
      where: { kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true },
    })
    const loaded: LoadedGrants = { grants: rows.map(toShareGrant) }
    if (!inTransaction && (this.#generation.get(tenantId) ?? 0) === generation)
      this.#cache.set(tenantId, loaded)
    return loaded
  }

  /** Forgets the tenant's grants: the next query loads them again. */
  invalidate(tenantId: string): void {
    this.#generation.set(tenantId, (this.#generation.get(tenantId) ?? 0) + 1)
    this.#cache.delete(tenantId)
  }
}
