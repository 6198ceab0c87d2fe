/**
 * `@rapport/marketing`: saved segments, campaigns, email events and KPI alerts as a Rapport plugin. The root holds
 * the plugin and its errors; each concept has its own subpath (`/segments`, `/campaigns`, `/email-events`, `/kpis`, `/surveys`).
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { marketingPlugin } from '@rapport/marketing'
 *
 * const crm = createCrm({ storage, plugins: [marketingPlugin()] as const })
 * ```
 *
 * @module
 */
export { type MarketingErrorCode, MarketingErrorCodes } from './marketing-error.js'
export { type MarketingApi, type MarketingOptions, marketingPlugin } from './plugin/marketing-plugin.js'
