/**
 * `@rapport/core/custom-fields`: runtime custom fields, defined per tenant and entity (`crm.customFields`), and the
 * static ones passed to `createCrm({ customFields })`.
 *
 * @example
 * ```ts
 * import type { CustomFieldDefinition } from '@rapport/core/custom-fields'
 *
 * const tier: CustomFieldDefinition = { key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] }
 * await crm.customFields.define('contact', tier)
 * ```
 *
 * @module
 */

export type { CustomFieldService } from '../types/custom-field-service.js'
export type {
  CustomFieldDefinition,
  CustomFieldType,
  StaticCustomFieldDefinition,
} from './custom-field-definition.js'
