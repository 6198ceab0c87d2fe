import { AnalyticsError } from '../clv/analytics-error.js'
import { checkEnum, optionalNumber } from '../validation/input-checks.js'

/** A pipeline stage as lead scoring sees it. */
export interface LeadScoringStage {
  /** Stage id. */
  readonly id: string
  /** Ordering key (lower = earlier); defaults to the position in the list. Stages may share a sequence. */
  readonly sequence?: number
  /** True for the won stage(s): leads sitting in one score 100. */
  readonly won?: boolean
}

/** A feature value of a lead: scalars are one value, arrays (tags) are several; `null`, `undefined` and `''` are unset. */
export type LeadFieldValue = string | number | boolean | null | undefined | readonly (string | number)[]

/** Outcome of a closed lead. */
export type LeadOutcome = 'won' | 'lost'

/** A lead (or opportunity) as lead scoring sees it. */
export interface ScoringLead {
  /** Current stage id (for a lost lead: the stage it was lost in). */
  readonly stage?: string | null
  /** Sales team; the frequency table is kept per team, leads of unknown teams fall back to the global table. */
  readonly team?: string | null
  /** Outcome; only `'won'` and `'lost'` leads train the model, anything else is ignored by {@link buildLeadScoringModel}. */
  readonly outcome?: LeadOutcome | 'open' | null
  /** Feature values keyed by field name (only the model's `fields` are read). */
  readonly fields?: Readonly<Record<string, LeadFieldValue>>
}

/** One row of the frequency table (Odoo `crm.lead.scoring.frequency`). */
export interface LeadScoringFrequency {
  /** Team the row belongs to; `null` for leads without a team. */
  readonly team: string | null
  /** `'stage'`, `'team'` or a field name. */
  readonly variable: string
  /** The value, as a string. */
  readonly value: string
  /** Smoothed won count. */
  readonly won: number
  /** Smoothed lost count. */
  readonly lost: number
}

/** Options of {@link buildLeadScoringModel}. */
export interface LeadScoringOptions {
  /** Every pipeline stage, in order. */
  readonly stages: readonly LeadScoringStage[]
  /** Fields to learn from (Odoo `crm.pls_fields`), e.g. `['source', 'country', 'tags']`. Not `'stage'` or `'team'`. */
  readonly fields: readonly string[]
  /** Multi-valued fields (tags) whose values are ignored when seen on fewer than `minTagObservations` closed leads. */
  readonly tagFields?: readonly string[]
  /** Minimum won + lost count (smoothing included) for a tag value to be used; default 50 (Odoo). */
  readonly minTagObservations?: number
  /** Added to both counts of every row when it is created; default 0.1 (Odoo). */
  readonly smoothing?: number
}

/**
 * A trained, serialisable lead-scoring model: the options plus the frequency table. Treat it as an immutable value
 * (use {@link updateLeadScoringModel} for changes): {@link scoreLead} caches the tables it derives per model object.
 */
export interface LeadScoringModel {
  /** Stages with resolved sequences. */
  readonly stages: readonly Required<LeadScoringStage>[]
  /** Learned fields. */
  readonly fields: readonly string[]
  /** Multi-valued fields with the minimum-observation rule. */
  readonly tagFields: readonly string[]
  /** See {@link LeadScoringOptions.minTagObservations}. */
  readonly minTagObservations: number
  /** See {@link LeadScoringOptions.smoothing}. */
  readonly smoothing: number
  /** The frequency table. */
  readonly frequencies: readonly LeadScoringFrequency[]
}

type Mutable = { -readonly [K in keyof LeadScoringFrequency]: LeadScoringFrequency[K] }

const key = (team: string | null, variable: string, value: string) => JSON.stringify([team, variable, value])

/** The (variable, value) pairs a lead carries, in order: stage first, then team, then fields (one pair per tag). */
export function leadScoringValues(
  model: Pick<LeadScoringModel, 'fields'>,
  lead: ScoringLead,
): [string, string][] {
  const out: [string, string][] = []
  if (isSet(lead.stage)) out.push(['stage', String(lead.stage)])
  if (isSet(lead.team)) out.push(['team', String(lead.team)])
  for (const field of model.fields) {
    const raw = lead.fields?.[field]
    const values = Array.isArray(raw) ? raw : [raw]
    for (const v of values) if (isSet(v)) out.push([field, String(v)])
  }
  return out
}

/**
 * Trains Odoo-style predictive lead scoring (naive Bayes over won/lost frequency tables) from closed leads.
 *
 * Counting follows Odoo's `crm.lead` PLS exactly: a won lead adds one won count to every stage; a lost lead adds one
 * lost count to its stage and every stage with a lower or equal sequence (so a stage's counts mean "reached this
 * stage"); the team and every set field value (each tag separately) add one to the lead's outcome. Every row starts
 * at `smoothing` (0.1) in both counts. Rows are kept per team.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for an unknown stage id, duplicate stage ids or a reserved field name.
 *
 * @example
 * ```ts
 * import { buildLeadScoringModel, scoreLead } from '@rapport/analytics/scoring'
 *
 * const model = buildLeadScoringModel(closedLeads, {
 *   stages: [{ id: 'new' }, { id: 'qualified' }, { id: 'proposal' }, { id: 'won', won: true }],
 *   fields: ['source', 'country'],
 * })
 * scoreLead(model, { stage: 'qualified', team: 'emea', fields: { source: 'referral', country: 'FR' } })
 * ```
 */
export function buildLeadScoringModel(
  history: readonly ScoringLead[],
  options: LeadScoringOptions,
): LeadScoringModel {
  const seen = new Set<string>()
  const stages = options.stages.map((s, i) => {
    if (seen.has(s.id))
      throw new AnalyticsError('INVALID_INPUT', `duplicate stage id ${s.id}`, { stage: s.id })
    seen.add(s.id)
    return { id: s.id, sequence: s.sequence ?? i, won: s.won ?? false }
  })
  for (const field of options.fields) {
    if (field === 'stage' || field === 'team') {
      throw new AnalyticsError('INVALID_INPUT', `field name ${field} is reserved`, { field })
    }
  }
  let model: LeadScoringModel = {
    stages,
    fields: [...options.fields],
    tagFields: [...(options.tagFields ?? [])],
    minTagObservations: optionalNumber(options.minTagObservations, 'options.minTagObservations', 50, {
      min: 0,
    }),
    // Smoothing is a pseudo-count: it must be positive, or unseen values divide by zero.
    smoothing: optionalNumber(options.smoothing, 'options.smoothing', 0.1, { above: 0 }),
    frequencies: [],
  }
  const closed = history.filter((lead) => lead.outcome === 'won' || lead.outcome === 'lost')
  model = updateLeadScoringModel(
    model,
    closed.map((lead) => ({ lead, outcome: lead.outcome as LeadOutcome })),
  )
  return model
}

/** One change for {@link updateLeadScoringModel}. */
export interface LeadScoringUpdate {
  /** The lead (its stage, team and fields as they were when it was won or lost). */
  readonly lead: ScoringLead
  /** The outcome being counted. */
  readonly outcome: LeadOutcome
  /** `1` (default) when a lead becomes won/lost, `-1` when it leaves won/lost (reopened), as Odoo does live. */
  readonly delta?: 1 | -1
}

/**
 * Returns a new model with the given outcomes counted (or un-counted with `delta: -1`), for live updates between full
 * rebuilds. New rows start at the model's smoothing; counts never go below zero. The input model is not modified.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for a stage id the model does not know.
 *
 * @example
 * ```ts
 * const next = updateLeadScoringModel(model, [{ lead, outcome: 'won' }])
 * ```
 */
export function updateLeadScoringModel(
  model: LeadScoringModel,
  updates: readonly LeadScoringUpdate[],
): LeadScoringModel {
  const rows = new Map<string, Mutable>(
    model.frequencies.map((f) => [key(f.team, f.variable, f.value), { ...f }]),
  )
  const stageById = new Map(model.stages.map((s) => [s.id, s]))
  const bump = (
    team: string | null,
    variable: string,
    value: string,
    outcome: LeadOutcome,
    delta: number,
  ) => {
    const k = key(team, variable, value)
    let row = rows.get(k)
    if (!row) {
      row = { team, variable, value, won: model.smoothing, lost: model.smoothing }
      rows.set(k, row)
    }
    row[outcome] = Math.max(0, row[outcome] + delta)
  }
  updates.forEach(({ lead, outcome: rawOutcome, delta = 1 }, index) => {
    const outcome = checkEnum(rawOutcome, `updates[${index}].outcome`, ['won', 'lost'] as const, { index })
    if (delta !== 1 && delta !== -1) {
      throw new AnalyticsError(
        'INVALID_INPUT',
        `updates[${index}].delta must be 1 or -1, got ${String(delta)}`,
        {
          index,
          field: `updates[${index}].delta`,
        },
      )
    }
    const team = isSet(lead.team) ? String(lead.team) : null
    for (const [variable, value] of leadScoringValues(model, lead)) {
      if (variable !== 'stage') {
        bump(team, variable, value, outcome, delta)
        continue
      }
      const stage = stageById.get(value)
      if (!stage) {
        throw new AnalyticsError('INVALID_INPUT', `lead ${index} is in unknown stage ${value}`, {
          index,
          stage: value,
        })
      }
      for (const s of model.stages) {
        if (outcome === 'won' || s.sequence <= stage.sequence) bump(team, 'stage', s.id, outcome, delta)
      }
    }
  })
  return { ...model, frequencies: [...rows.values()] }
}

function isSet(value: unknown): value is string | number | boolean {
  return value !== null && value !== undefined && value !== ''
}
