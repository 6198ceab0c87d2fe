import { distance } from 'fastest-levenshtein'
import { companyNameKey } from '../normalise/company-name.js'
import { domainOf } from '../normalise/domain.js'
import { emailKey } from '../normalise/email.js'
import { foldText } from '../normalise/fold-text.js'
import { phoneToE164 } from '../normalise/phone.js'
import type { DuplicateRule, FieldComparison } from './duplicate-rule.js'
import { valuesAt } from './field-values.js'
import { jaroWinkler } from './jaro-winkler.js'
import { keyValues, phoneticCode } from './match-keys.js'

/** How similar two records are under a rule, and why. */
export interface PairScore {
  /** The weighted mean similarity of the compared fields, 0–1 (1 when a sure key is shared). */
  readonly score: number
  /** Whether the pair is a duplicate under the rule (threshold and minimum evidence met, or a sure key shared). */
  readonly duplicate: boolean
  /** The similarity of each compared field (fields blank on either side are absent). */
  readonly fields: Readonly<Record<string, number>>
  /** The sure key the records share, if any. */
  readonly sureKey?: string
}

/** A field whose similarity reaches this counts as agreeing evidence for `minWeight`. */
const AGREEMENT = 0.8

/** Normalised Levenshtein similarity: `1 − distance / longer length` (Levenshtein from fastest-levenshtein). */
export function levenshteinSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length)
  return longest === 0 ? 1 : 1 - distance(a, b) / longest
}

function normalised(method: FieldComparison['method'], value: string): string | null {
  switch (method) {
    case 'email':
      return emailKey(value)
    case 'phone':
      return phoneToE164(value)
    case 'companyName':
      return companyNameKey(value)
    case 'domain':
      return domainOf(value)
    case 'phonetic':
      return phoneticCode(value)
    default:
      return foldText(value) || null
  }
}

function similarity(method: FieldComparison['method'], a: string, b: string): number {
  switch (method) {
    case 'jaroWinkler':
    case 'companyName':
      return jaroWinkler(a, b)
    case 'levenshtein':
      return levenshteinSimilarity(a, b)
    case 'oneEdit':
      return a === b ? 1 : distance(a, b) === 1 ? 0.8 : 0
    default:
      return a === b ? 1 : 0
  }
}

/**
 * Normalised values per record, computed once per record object: a batch job scores each record against many
 * candidates, and normalising (phone parsing above all) costs far more than comparing.
 */
const memo = new WeakMap<object, Map<string, readonly string[]>>()

function memoised(
  record: Readonly<Record<string, unknown>>,
  id: string,
  compute: () => readonly string[],
): readonly string[] {
  let values = memo.get(record)
  if (!values) {
    values = new Map()
    memo.set(record, values)
  }
  let out = values.get(id)
  if (!out) {
    out = compute()
    values.set(id, out)
  }
  return out
}

function normalisedValues(
  record: Readonly<Record<string, unknown>>,
  comparison: FieldComparison,
): readonly string[] {
  return memoised(record, `${comparison.method}\u0000${comparison.field}`, () =>
    valuesAt(record, comparison.field).flatMap((v) => normalised(comparison.method, v) ?? []),
  )
}

function fieldSimilarity(
  comparison: FieldComparison,
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): number | null {
  const left = normalisedValues(a, comparison)
  const right = normalisedValues(b, comparison)
  if (left.length === 0 || right.length === 0) return null
  let best = 0
  for (const x of left) {
    for (const y of right) {
      best = Math.max(best, similarity(comparison.method, x, y))
      if (best === 1) return 1
    }
  }
  return best
}

/**
 * Scores a pair of records under a rule: 1 when they share a value of a `sure` key (a normalised e-mail), otherwise
 * the weighted mean similarity of the fields both have (Jaro–Winkler, Levenshtein, phonetic or exact per field).
 *
 * @example
 * ```ts
 * scorePair(personRule, { firstName: 'Jon', lastName: 'Smith', … }, { firstName: 'John', lastName: 'Smyth', … })
 * // { score: 0.93, duplicate: true, fields: { firstName: 0.93, lastName: 0.89, … } }
 * ```
 */
export function scorePair(
  rule: DuplicateRule,
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): PairScore {
  for (const key of rule.keys) {
    if (!key.sure) continue
    const left = memoised(a, `key\u0000${key.name}`, () => keyValues(key, a))
    const right = memoised(b, `key\u0000${key.name}`, () => keyValues(key, b))
    if (left.length > 0 && right.some((v) => left.includes(v))) {
      return { score: 1, duplicate: true, fields: {}, sureKey: key.name }
    }
  }
  const fields: Record<string, number> = {}
  let weighted = 0
  let weight = 0
  let agreeing = 0
  for (const comparison of rule.comparisons) {
    const s = fieldSimilarity(comparison, a, b)
    if (s === null) continue
    fields[comparison.field] = s
    weighted += s * comparison.weight
    weight += comparison.weight
    if (s >= AGREEMENT) agreeing += comparison.weight
  }
  const score = weight === 0 ? 0 : weighted / weight
  return { score, duplicate: agreeing >= rule.minWeight && weight > 0 && score >= rule.threshold, fields }
}
