export { defaultCompanyRule, defaultPersonRule } from './default-rules.js'
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
export { type DuplicatePair, findDuplicatePairs } from './find-pairs.js'
export { jaroWinkler } from './jaro-winkler.js'
export { keyValues, type MatchKey, matchKeysOf, phoneticCode } from './match-keys.js'
export { levenshteinSimilarity, type PairScore, scorePair } from './score-pair.js'
