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
 * What scoring reads of a record under one rule, computed once: the values of each sure key and the normalised values
 * of each compared field (in the rule's order). A batch job scores each record against many candidates, and
 * normalising (phone parsing above all) costs far more than comparing.
 */
export interface PreparedRecord {
  /** Per key of the rule: its values when the key is `sure`, else empty. */
  readonly sure: readonly (readonly string[])[]
  /** Per comparison of the rule: the normalised values of its field. */
  readonly fields: readonly (readonly string[])[]
}

const NONE: readonly string[] = Object.freeze([])

/**
 * Prepares a record for {@link scorePrepared}: every normalisation scoring needs, done once.
 *
 * @example
 * ```ts
 * const prepared = records.map((r) => prepareRecord(defaultPersonRule, r))
 * scorePrepared(defaultPersonRule, prepared[0], prepared[1]).duplicate
 * ```
 */
export function prepareRecord(
  rule: DuplicateRule,
  record: Readonly<Record<string, unknown>>,
): PreparedRecord {
  return {
    sure: rule.keys.map((key) => (key.sure ? keyValues(key, record) : NONE)),
    fields: rule.comparisons.map((comparison) => {
      const values = valuesAt(record, comparison.field)
      if (values.length === 0) return NONE
      return values.flatMap((v) => normalised(comparison.method, v) ?? [])
    }),
  }
}

function fieldSimilarity(
  method: FieldComparison['method'],
  left: readonly string[],
  right: readonly string[],
): number | null {
  if (left.length === 0 || right.length === 0) return null
  let best = 0
  for (const x of left) {
    for (const y of right) {
      best = Math.max(best, similarity(method, x, y))
      if (best === 1) return 1
    }
  }
  return best
}

/**
 * {@link scorePair} on prepared records (see {@link prepareRecord}), the same result: what a batch scores with.
 * `withFields: false` leaves `fields` empty for a pair that is not a duplicate, sparing an object per candidate.
 */
export function scorePrepared(
  rule: DuplicateRule,
  a: PreparedRecord,
  b: PreparedRecord,
  withFields = true,
): PairScore {
  for (const [i, key] of rule.keys.entries()) {
    if (!key.sure) continue
    const left = a.sure[i] as readonly string[]
    const right = b.sure[i] as readonly string[]
    if (left.length > 0 && right.some((v) => left.includes(v))) {
      return { score: 1, duplicate: true, fields: {}, sureKey: key.name }
    }
  }
  let weighted = 0
  let weight = 0
  let agreeing = 0
  const comparisons = rule.comparisons
  const similarityAt = (i: number) =>
    fieldSimilarity(
      (comparisons[i] as FieldComparison).method,
      a.fields[i] as readonly string[],
      b.fields[i] as readonly string[],
    )
  for (let i = 0; i < comparisons.length; i++) {
    const comparison = comparisons[i] as FieldComparison
    const s = similarityAt(i)
    if (s === null) continue
    weighted += s * comparison.weight
    weight += comparison.weight
    if (s >= AGREEMENT) agreeing += comparison.weight
  }
  const score = weight === 0 ? 0 : weighted / weight
  const duplicate = agreeing >= rule.minWeight && weight > 0 && score >= rule.threshold
  // Most pairs are no duplicate: their per-field scores are recomputed only when asked for, rather than kept for all.
  if (!duplicate && !withFields) return { score, duplicate, fields: {} }
  const fields: Record<string, number> = {}
  for (let i = 0; i < comparisons.length; i++) {
    const s = similarityAt(i)
    if (s !== null) fields[(comparisons[i] as FieldComparison).field] = s
  }
  return { score, duplicate, fields }
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
  return scorePrepared(rule, prepareRecord(rule, a), prepareRecord(rule, b))
}
