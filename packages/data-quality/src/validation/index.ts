export {
  assertNoRuleErrors,
  checkValidationRules,
  parseValidationRules,
  validateRecord,
  validateRecords,
} from './validate-record.js'
export {
  asMergeWrite,
  enforceRules,
  type RuleSource,
  rulesOf,
  storedRuleHooks,
  storedToRule,
  validationHooks,
} from './validation-hooks.js'
export {
  type RuleIssue,
  type ValidationOperation,
  type ValidationRule,
  type ValidationRuleInput,
  validationOperations,
  validationRuleSchema,
  validationSeverities,
} from './validation-rule.js'
export { validationRuleEntity } from './validation-rule-entity.js'
