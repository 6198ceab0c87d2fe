import type { Condition } from '@rapport/automation'

/** A seeded PRNG (mulberry32), so every run benchmarks the same rules and facts. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const OPEN_STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation', 'contract']
const STAGES = [...OPEN_STAGES, 'won', 'lost']
const COUNTRIES = ['US', 'CA', 'GB', 'FR', 'DE', 'ES', 'IT', 'NL', 'SE', 'JP', 'AU', 'BR', 'IN', 'MX']
const REGIONS = ['na', 'emea', 'apac', 'latam']
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY']
const INDUSTRIES = ['saas', 'retail', 'finance', 'health', 'media', 'energy', 'gov']
const LIFECYCLE = ['subscriber', 'lead', 'mql', 'sql', 'customer']
const TAGS = ['vip', 'churn-risk', 'partner', 'competitor', 'newsletter']

/** One fact object: a deal and its contact, plus two computed facts. */
export interface Fact {
  readonly deal: { amount: number; stage: string; probability: number; currency: string; status: string }
  readonly contact: {
    country: string
    region: string
    lifecycleStage: string
    leadScore: number
    industry: string
    emailOptOut: boolean
    tags: string[]
  }
  readonly daysSinceLastActivity: number
  readonly daysInStage: number
}

/** A rule in a neutral form both engines are generated from. */
export type Node =
  | { all: Node[] }
  | { any: Node[] }
  | { not: Node }
  | {
      path: string
      op:
        | 'equal'
        | 'notEqual'
        | 'in'
        | 'notIn'
        | 'contains'
        | 'greaterThan'
        | 'greaterThanInclusive'
        | 'lessThan'
      value: unknown
    }

export interface NeutralRule {
  readonly name: string
  readonly event: string
  readonly conditions: Node
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T
const pickN = <T>(r: () => number, xs: readonly T[], n: number): T[] => {
  const copy = [...xs]
  const out: T[] = []
  while (out.length < n) out.push(copy.splice(Math.floor(r() * copy.length), 1)[0] as T)
  return out
}
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1))

/** 50 rules from 5 CRM templates, 10 each, with seeded thresholds and value lists. */
export function generateRules(seed = 42): NeutralRule[] {
  const r = prng(seed)
  const rules: NeutralRule[] = []
  for (let i = 0; i < 10; i++) {
    const all: Node[] = [
      { path: 'deal.status', op: 'equal', value: 'open' },
      { path: 'deal.stage', op: 'in', value: pickN(r, OPEN_STAGES, 2) },
      { path: 'daysInStage', op: 'greaterThan', value: int(r, 5, 24) },
    ]
    if (i % 2 === 0)
      all.push({ path: 'deal.amount', op: 'greaterThanInclusive', value: int(r, 1, 50) * 1000 })
    rules.push({ name: `stuck-${i}`, event: 'create-task', conditions: { all } })
  }
  for (let i = 0; i < 10; i++) {
    rules.push({
      name: `silent-${i}`,
      event: 're-engage',
      conditions: {
        all: [
          { path: 'contact.lifecycleStage', op: 'equal', value: 'customer' },
          { path: 'daysSinceLastActivity', op: 'greaterThanInclusive', value: int(r, 10, 39) },
          { path: 'contact.emailOptOut', op: 'equal', value: false },
          {
            any: [
              { path: 'contact.region', op: 'equal', value: pick(r, REGIONS) },
              { path: 'deal.amount', op: 'greaterThan', value: int(r, 20, 100) * 1000 },
            ],
          },
        ],
      },
    })
  }
  for (let i = 0; i < 10; i++) {
    rules.push({
      name: `lead-${i}`,
      event: 'assign-lead',
      conditions: {
        all: [
          { path: 'contact.lifecycleStage', op: 'in', value: ['lead', 'mql'] },
          { path: 'contact.country', op: 'in', value: pickN(r, COUNTRIES, 4) },
          { path: 'contact.leadScore', op: 'greaterThanInclusive', value: int(r, 0, 79) },
          { not: { path: 'contact.tags', op: 'contains', value: 'competitor' } },
        ],
      },
    })
  }
  for (let i = 0; i < 10; i++) {
    rules.push({
      name: `big-${i}`,
      event: 'notify-manager',
      conditions: {
        all: [
          { path: 'deal.stage', op: 'in', value: ['proposal', 'negotiation'] },
          { path: 'deal.amount', op: 'greaterThan', value: int(r, 10, 100) * 1000 },
          { path: 'deal.probability', op: 'greaterThanInclusive', value: Math.round(r() * 100) / 100 },
          { path: 'deal.currency', op: 'in', value: pickN(r, CURRENCIES, 2) },
          { path: 'contact.industry', op: 'notIn', value: pickN(r, INDUSTRIES, 2) },
        ],
      },
    })
  }
  for (let i = 0; i < 10; i++) {
    rules.push({
      name: `churn-${i}`,
      event: 'flag-churn-risk',
      conditions: {
        all: [
          { path: 'contact.lifecycleStage', op: 'equal', value: 'customer' },
          { path: 'contact.tags', op: 'contains', value: pick(r, ['vip', 'churn-risk', 'partner']) },
          { path: 'daysSinceLastActivity', op: 'greaterThan', value: int(r, 20, 59) },
          {
            any: [
              { path: 'deal.stage', op: 'equal', value: 'lost' },
              { path: 'deal.probability', op: 'lessThan', value: Math.round(r() * 50) / 100 },
            ],
          },
        ],
      },
    })
  }
  return rules
}

/** `n` seeded fact objects. */
export function generateFacts(n: number, seed = 7): Fact[] {
  const r = prng(seed)
  return Array.from({ length: n }, () => ({
    deal: {
      amount: int(r, 0, 150) * 1000,
      stage: pick(r, STAGES),
      probability: Math.round(r() * 100) / 100,
      currency: pick(r, CURRENCIES),
      status: r() < 0.7 ? 'open' : 'closed',
    },
    contact: {
      country: pick(r, COUNTRIES),
      region: pick(r, REGIONS),
      lifecycleStage: pick(r, LIFECYCLE),
      leadScore: int(r, 0, 100),
      industry: pick(r, INDUSTRIES),
      emailOptOut: r() < 0.2,
      tags: pickN(r, TAGS, int(r, 0, 3)),
    },
    daysSinceLastActivity: int(r, 0, 90),
    daysInStage: int(r, 0, 40),
  }))
}

const OPS: Record<string, string> = {
  equal: 'eq',
  notEqual: 'ne',
  in: 'in',
  notIn: 'nin',
  greaterThan: 'gt',
  greaterThanInclusive: 'gte',
  lessThan: 'lt',
}

/** The rule's conditions in Rapport's condition language (core filter language). */
export function toCondition(node: Node): Condition {
  if ('all' in node) return { and: node.all.map(toCondition) }
  if ('any' in node) return { or: node.any.map(toCondition) }
  if ('not' in node) return { not: toCondition(node.not) }
  // JRE `contains` tests membership in an array fact: core `eq` on an array field.
  if (node.op === 'contains') return { field: node.path, op: 'eq', value: node.value } as Condition
  return { field: node.path, op: OPS[node.op], value: node.value } as Condition
}

/** The rule in json-rules-engine's fastest configuration: flat fact ids (`deal.amount`), no JSONPath. */
export function toJre(node: Node): Record<string, unknown> {
  if ('all' in node) return { all: node.all.map(toJre) }
  if ('any' in node) return { any: node.any.map(toJre) }
  if ('not' in node) return { not: toJre(node.not) }
  return { fact: node.path, operator: node.op, value: node.value }
}

/** A fact object flattened for json-rules-engine's flat configuration. */
export function flatten(fact: Fact): Record<string, unknown> {
  const out: Record<string, unknown> = {
    daysSinceLastActivity: fact.daysSinceLastActivity,
    daysInStage: fact.daysInStage,
  }
  for (const [k, v] of Object.entries(fact.deal)) out[`deal.${k}`] = v
  for (const [k, v] of Object.entries(fact.contact)) out[`contact.${k}`] = v
  return out
}
