/**
 * `@rapport/data-quality`: normalisers (e-mail, phone, company name, domain), duplicate rules with persisted match
 * keys, merge and validation rules, built on core's public plugin API.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { dataQualityPlugin, emailKey } from '@rapport/data-quality'
 *
 * const crm = createCrm({ storage, plugins: [dataQualityPlugin({ defaultRegion: 'US' })] as const })
 * emailKey('John.Smith+crm@GoogleMail.com') // 'johnsmith@gmail.com'
 * ```
 *
 * @packageDocumentation
 */

export * from './duplicates/index.js'
export * from './merge/index.js'
export * from './normalise/index.js'
export { composeHooks } from './plugin/compose-hooks.js'
export {
  type DataQualityApi,
  type DataQualityOptions,
  DEFAULT_VALIDATED_ENTITIES,
  dataQualityPlugin,
} from './plugin/data-quality-plugin.js'
export * from './validation/index.js'
