import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'
import { validationOperations, validationSeverities } from './validation-rule.js'

const filter = z.record(z.string(), z.unknown())

/**
 * A tenant's validation rules, stored as data (`crm.entity('dqValidationRule')`): the same fields as
 * `validationRuleSchema`, with the rule's id in `ruleId`. Each rule is compiled against its entity when it is saved,
 * so a rule naming an unknown field is refused then (`VALIDATION_FAILED`).
 */
export const validationRuleEntity = defineEntity({
  name: 'dqValidationRule',
  idPrefix: 'dqv',
  shape: {
    ruleId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'Use letters, digits and _ . : -'),
    entity: z.string().min(1).max(100),
    on: z
      .array(z.enum(validationOperations))
      .min(1)
      .max(validationOperations.length)
      .default([...validationOperations]),
    when: filter.nullable().optional(),
    assert: filter.nullable().optional(),
    errorWhen: filter.nullable().optional(),
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
