/**
 * `@rapport/privacy`: personal data handled on purpose. Field tags (`pii`, `sensitive`, erasure), consent per
 * purpose × channel with double opt-in, data-subject export, erasure that can be proven (rows, audit values, the
 * search index, outbox and webhook logs, suppression tombstones) and per-subject keys for sensitive fields
 * (crypto-shredding).
 *
 * @example
 * ```ts
 * import { auditPlugin } from '@rapport/audit'
 * import { privacyPlugin } from '@rapport/privacy'
 *
 * const crm = createCrm({ storage, plugins: [auditPlugin(), privacyPlugin({ secret })] as const })
 * const everything = await crm.plugins.privacy.export({ id: contactId })
 * const receipt = await crm.plugins.privacy.erase({ id: contactId, reason: 'GDPR Art. 17' })
 * ```
 *
 * @packageDocumentation
 */

export type {
  ConsentInput,
  ConsentRecord,
  ConsentService,
  ConsentState,
} from './consent/consent-service.js'
export { type KeyWrapper, localKeyWrapper } from './encryption/subject-cipher.js'
export type { ErasureReceipt, RecordErasure } from './erasure/erase-subject.js'
export type { SubjectExport } from './export/export-subject.js'
export {
  consentChannels,
  consentEntity,
  consentStatuses,
  lawfulBases,
  privacyEntities,
  privacyKeyEntity,
  suppressionEntity,
} from './privacy-entities.js'
export { type PrivacyErrorCode, PrivacyErrorCodes } from './privacy-error.js'
export { type PrivacyApi, type PrivacyOptions, privacyPlugin } from './privacy-plugin.js'
export { defaultFieldTags, type FieldErasure, type FieldTag, type FieldTags } from './tags/field-tags.js'
