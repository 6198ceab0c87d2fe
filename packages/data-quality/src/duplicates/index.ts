export { defaultCompanyRule, defaultPersonRule } from './default-rules.js'
export { duplicateSetEntity, matchKeyEntity, notDuplicateEntity } from './duplicate-entities.js'
export { DUPLICATE_ERROR_CODE, DuplicateError, type DuplicateMatch } from './duplicate-error.js'
export { duplicateHooks } from './duplicate-hooks.js'
export {
  type DuplicateJobOptions,
  type DuplicateJobProgress,
  type DuplicateJobResult,
  rebuildMatchKeys,
  runDuplicateJob,
} from './duplicate-job.js'
export {
  comparisonMethods,
  type DuplicateRule,
  type DuplicateRuleInput,
  duplicateActions,
  duplicateRuleSchema,
  type FieldComparison,
  fieldComparisonSchema,
  keyPartSchema,
  keyTransforms,
  type MatchKeyDefinition,
  matchKeySchema,
} from './duplicate-rule.js'
export { valuesAt } from './field-values.js'
export { findMatches, orderedPair } from './find-duplicates.js'
export { type DuplicatePair, findDuplicatePairs } from './find-pairs.js'
export { jaroWinkler } from './jaro-winkler.js'
export { candidateIds, syncMatchKeys } from './match-key-store.js'
export { keyValues, type MatchKey, matchKeysOf, phoneticCode } from './match-keys.js'
export { levenshteinSimilarity, type PairScore, scorePair } from './score-pair.js'
export { duplicateCheckSkipped, skipDuplicateCheck } from './skip-duplicate-check.js'
