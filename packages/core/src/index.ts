/**
 * `@rapport/core`: the domain model, services, filter language, storage port, events and plugins of Rapport.
 *
 * The root holds what every host needs: {@link createCrm}, {@link definePlugin}, {@link RapportError} and the main
 * types. Each feature has a subpath of its own: `@rapport/core/entities`, `/services`, `/filter`, `/search`,
 * `/pipeline`, `/events`, `/plugin`, `/access`, `/custom-fields`, `/errors`, `/ids`, `/time`, `/retry`, `/storage`
 * (for adapters) and `/testing` (the conformance kit).
 *
 * @example
 * ```ts
 * import { createCrm, definePlugin, isRapportError } from '@rapport/core'
 * import { createSqliteStorage } from '@rapport/storage-sqlite'
 *
 * const crm = createCrm({ storage: createSqliteStorage({ file: 'crm.db' }) })
 * await crm.migrate()
 * const ada = await crm.contacts.create({ firstName: 'Ada', emails: [{ address: 'ada@example.com' }] })
 * ```
 *
 * @packageDocumentation
 */

export { type Crm, type CrmConfig, createCrm, DEFAULT_TENANT_ID, type PluginApis } from './crm/create-crm.js'
export { type CrmLimits, DEFAULT_CRM_LIMITS } from './crm/crm-limits.js'
export type { RapportErrorCode } from './errors/error-codes.js'
export { isRapportError, RapportError } from './errors/rapport-error.js'
export { type CrmPlugin, definePlugin, type ScopedOptions } from './plugins/crm-plugin.js'
export type { CrmServices } from './types/crm-services.js'
