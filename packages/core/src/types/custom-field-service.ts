import type { CustomFieldDefinition } from '../custom-fields/custom-field-definition.js'

/**
 * Registers custom fields per entity at runtime, per tenant. Definitions are stored, so every process of the host
 * sees them; each process caches them and refreshes on its own changes (call `refresh()` after another process
 * changed them).
 *
 * @example
 * ```ts
 * await crm.customFields.define('deal', { key: 'renewalDate', type: 'date', label: 'Renewal date' })
 * await crm.deals.update(dealId, { custom: { renewalDate: '2027-03-31' } })
 * ```
 */
export interface CustomFieldService {
  /** Adds a custom field to an entity; `UNIQUE_VIOLATION` when the key exists. */
  define(entity: string, definition: CustomFieldDefinition): Promise<CustomFieldDefinition>
  /** The custom fields of an entity: configuration ones first, then runtime ones. */
  list(entity: string): Promise<readonly CustomFieldDefinition[]>
  /** Removes a runtime custom field. Existing values stay in records until they are next written. */
  remove(entity: string, key: string): Promise<void>
  /** Drops this process's cache, so definitions changed by other processes are seen. */
  refresh(): void
}
