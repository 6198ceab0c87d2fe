import type { CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { FilterDuration } from '@rapport/core/filter'
import * as z from 'zod'
import { invalidRule } from '../automation-error.js'
import { compileCondition } from '../conditions/compile-condition.js'
import type { CompiledCondition, Condition } from '../conditions/condition-types.js'
import type { FieldCatalog } from '../conditions/field-catalog.js'
import { durationMs } from '../conditions/shift-date.js'

/**
 * A lead-scoring model: points per condition, caps per group, exponential decay of earned points, and thresholds
 * that fire events when a score crosses them upwards (re-armed when it falls back below).
 *
 * @example
 * ```ts
 * const model: ScoringModel = {
 *   id: 'lead-fit',
 *   entity: 'contact',
 *   rules: [
 *     { id: 'title', when: { field: 'title', op: 'contains', value: 'VP', caseInsensitive: true }, points: 20, group: 'fit' },
 *     { id: 'country', when: { field: 'address.country', op: 'in', value: ['FR', 'DE'] }, points: 15, group: 'fit' },
 *     { id: 'mql', when: { field: 'lifecycleStage', op: 'eq', value: 'mql' }, points: 30 },
 *   ],
 *   groups: { fit: { cap: 25 } },
 *   decay: { halfLife: { days: 30 } },
 *   thresholds: [{ score: 50, event: 'lead.qualified' }],
 * }
 * ```
 */
export interface ScoringModel {
  readonly id: string
  /** The scored entity, e.g. `contact`. */
  readonly entity: string
  /** While `when` holds, the rule contributes `points` (decayed since it started to hold). */
  readonly rules: readonly {
    readonly id: string
    readonly when: Condition
    readonly points: number
    readonly group?: string
  }[]
  /** Caps per group: the group's contribution never exceeds `cap`. */
  readonly groups?: Readonly<Record<string, { readonly cap: number }>>
  /** Earned points halve every `halfLife`. */
  readonly decay?: { readonly halfLife: FilterDuration }
  /** Events emitted (through the job queue, after commit) when the score reaches `score`. */
  readonly thresholds?: readonly { readonly score: number; readonly event: string }[]
}

/** A score with its explanation. */
export interface ScoreBreakdown {
  readonly model: string
  readonly recordId: string
  readonly score: number
  readonly rules: readonly {
    readonly ruleId: string
    readonly group: string | null
    readonly earnedAt: Date
    readonly points: number
  }[]
  /** Thresholds currently crossed. */
  readonly crossed: readonly number[]
}

/** A compiled scoring model. */
export interface CompiledScoringModel {
  readonly model: ScoringModel
  readonly conditions: readonly CompiledCondition[]
}

const durationSchema = z.strictObject({
  years: z.int().min(0).optional(),
  months: z.int().min(0).optional(),
  weeks: z.int().min(0).optional(),
  days: z.int().min(0).optional(),
  hours: z.int().min(0).optional(),
  minutes: z.int().min(0).optional(),
})

const modelSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/),
  entity: z.string().min(1),
  rules: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(100),
        when: z.unknown(),
        points: z.number().finite().min(-1_000_000).max(1_000_000),
        group: z.string().min(1).max(100).optional(),
      }),
    )
    .min(1)
    .max(1000),
  groups: z.record(z.string(), z.strictObject({ cap: z.number().finite() })).optional(),
  decay: z
    .strictObject({
      halfLife: durationSchema.refine((d) => durationMs(d) > 0, 'Expected a positive duration'),
    })
    .optional(),
  thresholds: z
    .array(
      z.strictObject({
        score: z.number().finite(),
        event: z.string().regex(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9_]*)+$/),
      }),
    )
    .max(100)
    .optional(),
})

/** Validates and compiles a scoring model (`AUTOMATION_INVALID_RULE` with exact paths). */
export function compileScoringModel(
  raw: unknown,
  catalogOf: (entity: string) => FieldCatalog | undefined,
): CompiledScoringModel {
  const parsed = modelSchema.safeParse(raw)
  const id = (raw as { id?: string } | null)?.id
  if (!parsed.success) {
    throw invalidRule(
      id,
      parsed.error.issues.map((i) => ({
        path: ['scoring', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
        message: i.message,
        code: i.code,
      })),
    )
  }
  const model = parsed.data as ScoringModel
  const catalog = catalogOf(model.entity)
  if (!catalog)
    throw invalidRule(model.id, [
      { path: ['scoring', 'entity'], message: `Unknown entity "${model.entity}"`, code: 'invalid_value' },
    ])
  const conditions: CompiledCondition[] = []
  const issues = model.rules.flatMap((rule, i) => {
    const result = compileCondition(rule.when, catalog, ['scoring', 'rules', i, 'when'])
    if (!result.ok) return result.issues
    conditions.push(result.condition)
    return []
  })
  model.rules.forEach((rule, i) => {
    if (rule.group && !model.groups?.[rule.group])
      issues.push({
        path: ['scoring', 'rules', i, 'group'],
        message: `Unknown group "${rule.group}"`,
        code: 'invalid_value',
      })
  })
  if (issues.length > 0) throw invalidRule(model.id, issues)
  return { model, conditions }
}

interface ScoreRow {
  readonly id: string
  readonly version: number
  readonly earned: Record<string, string>
  readonly crossed: number[]
  readonly score: number
}

/** The score of a record from the instants each rule started to hold. */
export function computeScore(
  model: ScoringModel,
  earned: Readonly<Record<string, string>>,
  now: Date,
): { score: number; rules: ScoreBreakdown['rules'] } {
  const halfLife = model.decay ? durationMs(model.decay.halfLife) : null
  const byGroup = new Map<string | null, number>()
  const rules: { ruleId: string; group: string | null; earnedAt: Date; points: number }[] = []
  for (const rule of model.rules) {
    const at = earned[rule.id]
    if (at === undefined) continue
    const earnedAt = new Date(at)
    const factor = halfLife ? 0.5 ** (Math.max(0, now.getTime() - earnedAt.getTime()) / halfLife) : 1
    const points = rule.points * factor
    rules.push({ ruleId: rule.id, group: rule.group ?? null, earnedAt, points })
    byGroup.set(rule.group ?? null, (byGroup.get(rule.group ?? null) ?? 0) + points)
  }
  let score = 0
  for (const [group, sum] of byGroup) {
    const cap = group === null ? undefined : model.groups?.[group]?.cap
    score += cap === undefined ? sum : Math.min(cap, sum)
  }
  return { score: Math.round(score * 100) / 100, rules }
}

/**
 * Re-scores a record inside `tx`: rules that start holding are stamped with `now`, rules that stop holding lose
 * their points, and thresholds crossed upwards are returned (to be emitted after commit).
 */
export async function rescore(
  tx: CrmServices,
  compiled: CompiledScoringModel,
  record: Readonly<Record<string, unknown>> | null,
  recordId: string,
  now: Date,
): Promise<{ score: number; crossed: { score: number; event: string }[] }> {
  const { model, conditions } = compiled
  const scores = tx.entity<ScoreRow>('automationScore')
  const page = await scores.list({
    where: {
      and: [
        { field: 'model', op: 'eq', value: model.id },
        { field: 'recordId', op: 'eq', value: recordId },
      ],
    },
    limit: 1,
  })
  const row = page.items[0]
  const earned: Record<string, string> = {}
  if (record) {
    model.rules.forEach((rule, i) => {
      if (conditions[i]!.test({ record, before: null, now }))
        earned[rule.id] = row?.earned[rule.id] ?? now.toISOString()
    })
  }
  const { score } = computeScore(model, earned, now)
  const before = new Set(row?.crossed ?? [])
  const crossedNow = (model.thresholds ?? []).filter((t) => score >= t.score).map((t) => t.score)
  const fired = (model.thresholds ?? []).filter((t) => score >= t.score && !before.has(t.score))
  const data = { earned, crossed: crossedNow, score }
  if (!row) {
    if (Object.keys(earned).length > 0 || fired.length > 0)
      await scores.create({ model: model.id, entity: model.entity, recordId, ...data })
  } else if (
    row.score !== score ||
    JSON.stringify(row.earned) !== JSON.stringify(earned) ||
    row.crossed.join() !== crossedNow.join()
  ) {
    await scores.update(row.id, data, { expectedVersion: row.version })
  }
  return { score, crossed: fired }
}

/** Reads a record's score with its explanation. */
export async function readScore(
  services: CrmServices,
  compiled: CompiledScoringModel,
  recordId: string,
  now: Date,
): Promise<ScoreBreakdown> {
  const page = await services.entity<ScoreRow>('automationScore').list({
    where: {
      and: [
        { field: 'model', op: 'eq', value: compiled.model.id },
        { field: 'recordId', op: 'eq', value: recordId },
      ],
    },
    limit: 1,
  })
  const row = page.items[0]
  const { score, rules } = computeScore(compiled.model, row?.earned ?? {}, now)
  return { model: compiled.model.id, recordId, score, rules, crossed: row?.crossed ?? [] }
}

/** Throws `AUTOMATION_UNKNOWN_RULE` for an unknown model id. */
export function unknownModel(id: string): RapportError {
  return new RapportError('AUTOMATION_UNKNOWN_RULE', `No scoring model "${id}"`, { details: { model: id } })
}
