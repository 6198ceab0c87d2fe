import type { CustomFieldDefinition } from '../custom-fields/custom-field-definition.js'
import type { CrmSchema } from '../entities/crm-schema.js'
import type { EventBus } from '../events/event-bus.js'
import type { FilterLimits } from '../filter/filter-target.js'
import type { CrmPlugin } from '../plugins/crm-plugin.js'
import type { StorageAdapter, StorageOperations } from '../storage/storage-adapter.js'
import type { CrmLimits } from './crm-limits.js'
import type { CrmServices } from './crm-services.js'
import type { Session } from './session.js'

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
  /** The service facade bound to a session (used for hook contexts and transactions). */
  servicesFor(session: Session): CrmServices
}
