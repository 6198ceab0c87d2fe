import { doubleMetaphone } from 'double-metaphone'
import { cached } from '../normalise/bounded-cache.js'
import { companyNameKey } from '../normalise/company-name.js'
import { companyDomainOf, domainOf } from '../normalise/domain.js'
import { emailKey } from '../normalise/email.js'
import { foldText } from '../normalise/fold-text.js'
import { phoneBlockKey, phoneToE164 } from '../normalise/phone.js'
import type { DuplicateRule, MatchKeyDefinition } from './duplicate-rule.js'
import { valuesAt } from './field-values.js'

/** One match key value of a record, as persisted and looked up. */
export interface MatchKey {
  /** The key's name in its rule, e.g. `email`. */
  readonly key: string
  readonly value: string
}

/** At most this many values per key and record (a record with 50 e-mails keeps its first 16 keys). */
const MAX_VALUES_PER_KEY = 16

/**
 * The primary Double Metaphone code of a word (Salesforce's last-name key); for text with no Latin letters (Chinese
 * names) the folded text itself, since phonetics do not apply.
 *
 * @example
 * ```ts
 * phoneticCode('Smith') // 'SM0'
 * phoneticCode('王伟')   // '王伟'
 * ```
 */
export function phoneticCode(value: string): string {
  return cachedPhoneticCode(value)
}

// Surnames repeat across a file and are read again by every comparison: one Double Metaphone run per distinct name.
const cachedPhoneticCode = cached((value: string): string => {
  const folded = foldText(value)
  const [primary] = doubleMetaphone(folded.normalize('NFD').replace(/\p{M}/gu, ''))
  return primary.length > 0 ? primary : folded.replace(/\s/gu, '')
})

function transform(value: string, how: MatchKeyDefinition['parts'][number]['transform']): string | null {
  switch (how) {
    case 'fold':
      return foldText(value)
    case 'email':
      return emailKey(value)
    case 'phone':
      return phoneToE164(value)
    case 'phoneBlock':
      return phoneBlockKey(phoneToE164(value))
    case 'companyName':
      return companyNameKey(value)
    case 'domain':
      return domainOf(value)
    case 'companyDomain':
      return companyDomainOf(value)
    case 'metaphone':
      return phoneticCode(value)
    case 'digits':
      return value.replace(/\D/gu, '') || null
  }
}

/** The values of one key for a record (several when a part's field has several values, e.g. e-mails). */
export function keyValues(
  definition: MatchKeyDefinition,
  record: Readonly<Record<string, unknown>>,
): string[] {
  let combos: string[] = ['']
  for (const [i, part] of definition.parts.entries()) {
    const values = new Set<string>()
    for (const raw of valuesAt(record, part.field)) {
      const out = transform(raw, part.transform)
      if (out === null || out.length === 0) continue
      values.add(part.length ? Array.from(out).slice(0, part.length).join('') : out)
    }
    if (values.size === 0) return []
    const next: string[] = []
    for (const prefix of combos) {
      for (const value of values) {
        next.push(i === 0 ? value : `${prefix}|${value}`)
        if (next.length >= MAX_VALUES_PER_KEY) break
      }
    }
    combos = next
  }
  return combos.filter((value) => Array.from(value.replaceAll('|', '')).length >= definition.minLength)
}

/**
 * Every match key of a record under a rule, deduplicated: what the plugin persists on each write and looks up to
 * find candidates.
 *
 * @example
 * ```ts
 * matchKeysOf(personRule, { firstName: 'Ann', lastName: 'Smith', emails: [{ address: 'Ann@Acme.com' }] })
 * // [{ key: 'email', value: 'ann@acme.com' }, { key: 'name', value: 'SM0|a' }]
 * ```
 */
export function matchKeysOf(rule: DuplicateRule, record: Readonly<Record<string, unknown>>): MatchKey[] {
  const out: MatchKey[] = []
  const seen = new Set<string>()
  for (const definition of rule.keys) {
    for (const value of keyValues(definition, record)) {
      const id = `${definition.name}\u0000${value}`
      if (seen.has(id)) continue
      seen.add(id)
      out.push({ key: definition.name, value })
    }
  }
  return out
}
