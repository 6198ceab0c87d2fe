import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'
import {
  ruleFilterSchema,
  ruleIdSchema,
  ruleOperationsSchema,
  validationSeverities,
} from './validation-rule.js'

/**
 * A tenant's validation rules, stored as data (`crm.entity('dqValidationRule')`): the same fields as
 * `validationRuleSchema`, with the rule's id in `ruleId`. Each rule is compiled against its entity when it is saved,
 * so a rule naming an unknown field is refused then (`VALIDATION_FAILED`).
 */
export const validationRuleEntity = defineEntity({
  name: 'dqValidationRule',
  idPrefix: 'dqv',
  shape: {
    ruleId: ruleIdSchema,
    entity: z.string().min(1).max(100),
    on: ruleOperationsSchema,
    when: ruleFilterSchema.nullable().optional(),
    assert: ruleFilterSchema.nullable().optional(),
    errorWhen: ruleFilterSchema.nullable().optional(),
    field: z.string().min(1).max(200).nullable().optional(),
    message: z.string().min(1).max(500),
    severity: z.enum(validationSeverities).default('error'),
    active: z.boolean().default(true),
  },
  indexes: [
    { name: 'by_rule_id', fields: ['ruleId'], unique: true },
    { name: 'by_entity', fields: ['entity'] },
  ],
})
