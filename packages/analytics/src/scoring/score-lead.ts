import type { LeadScoringModel, ScoringLead } from './lead-scoring-model.js'
import { leadScoringValues } from './lead-scoring-model.js'

/** How much one feature value moved the score. */
export interface LeadScoreContribution {
  /** `'stage'`, `'team'` or the field name. */
  readonly variable: string
  /** The lead's value. */
  readonly value: string
  /** Won count of the value in the table used. */
  readonly won: number
  /** Lost count of the value in the table used. */
  readonly lost: number
  /** Won total the count is divided by (team total for the stage, field total otherwise). */
  readonly wonTotal: number
  /** Lost total the count is divided by. */
  readonly lostTotal: number
  /**
   * `ln(won/wonTotal) − ln(lost/lostTotal)`: the value's log-likelihood ratio. Positive pushes towards won. The prior
   * log-odds plus every contribution equals the logit of the probability.
   */
  readonly logLikelihoodRatio: number
}

/** Why a lead got no model-based probability. */
export type LeadScoreReason = 'scored' | 'no-stage' | 'won-stage' | 'no-data'

/** Result of {@link scoreLead}. */
export interface LeadScore {
  /** P(won) in 0–1, or `null` when the table has no won or no lost history (`reason: 'no-data'`). */
  readonly probability: number | null
  /** `round(100 · probability, 2)` as Odoo shows it, or `null`. */
  readonly score: number | null
  /** `'scored'`, or the short-circuit taken: no stage → 0, a won stage → 100. */
  readonly reason: LeadScoreReason
  /** The team whose table was used, or `null` for the global table (no team, or a team without history). */
  readonly table: string | null
  /** `ln(P(won)/P(lost))` of the table (0 unless scored). */
  readonly priorLogOdds: number
  /** Per-value contributions, in the lead's value order; values absent from the table are left out. */
  readonly contributions: readonly LeadScoreContribution[]
  /** Values the table does not know (or whose totals are zero), which therefore did not count. */
  readonly ignored: readonly { readonly variable: string; readonly value: string }[]
}

interface Table {
  values: Map<string, Map<string, { won: number; lost: number }>>
  totals: Map<string, { won: number; lost: number }>
}

/**
 * Scores a lead with an Odoo-style naive Bayes model (see {@link buildLeadScoringModel}) and explains the score.
 *
 * As in Odoo's `_pls_get_naive_bayes_probabilities`: the lead's team table is used when that team has history, else
 * the global table (all rows summed). `P(won) = team_won / team_total` and `P(lost) = team_lost / team_total` with
 * team totals read from the first stage's row; each known value multiplies `S_won` by `won(value) / won_total(field)`
 * and `S_lost` by `lost(value) / lost_total(field)`, where the stage uses the team totals; probability =
 * `S_won / (S_won + S_lost)`. Tag values with fewer than `minTagObservations` observations are ignored. The product is
 * computed in log space, so many features cannot underflow.
 *
 * @example
 * ```ts
 * const s = scoreLead(model, { stage: 'proposal', team: 'emea', fields: { source: 'referral' } })
 * s.score          // P(won) in percent, 2 dp
 * s.contributions  // [{ variable: 'stage', value: 'proposal', logLikelihoodRatio, ... }, ...]
 * ```
 */
export function scoreLead(model: LeadScoringModel, lead: ScoringLead): LeadScore {
  const base = { table: null, priorLogOdds: 0, contributions: [], ignored: [] }
  if (lead.stage === null || lead.stage === undefined || lead.stage === '') {
    return { ...base, probability: 0, score: 0, reason: 'no-stage' }
  }
  if (model.stages.some((s) => s.won && s.id === String(lead.stage))) {
    return { ...base, probability: 1, score: 100, reason: 'won-stage' }
  }
  const team = lead.team === null || lead.team === undefined || lead.team === '' ? null : String(lead.team)
  const tables = tablesOf(model)
  const useTeam = team !== null && tables.teams.has(team)
  const table = tableFor(model, tables, useTeam ? team : undefined)
  const firstRow =
    tables.firstStage === undefined ? undefined : table.values.get('stage')?.get(tables.firstStage)
  const teamWon = firstRow?.won ?? 0
  const teamLost = firstRow?.lost ?? 0
  const tableName = useTeam ? team : null
  if (!teamWon || !teamLost)
    return { ...base, table: tableName, probability: null, score: null, reason: 'no-data' }
  const teamTotal = teamWon + teamLost
  const priorLogOdds = Math.log(teamWon / teamTotal) - Math.log(teamLost / teamTotal)
  const contributions: LeadScoreContribution[] = []
  const ignored: { variable: string; value: string }[] = []
  for (const [variable, value] of leadScoringValues(model, lead)) {
    const counts = table.values.get(variable)?.get(value)
    const totals = variable === 'stage' ? { won: teamWon, lost: teamLost } : table.totals.get(variable)
    if (!counts || !totals?.won || !totals.lost) {
      ignored.push({ variable, value })
      continue
    }
    contributions.push({
      variable,
      value,
      won: counts.won,
      lost: counts.lost,
      wonTotal: totals.won,
      lostTotal: totals.lost,
      logLikelihoodRatio: Math.log(counts.won / totals.won) - Math.log(counts.lost / totals.lost),
    })
  }
  const logit = contributions.reduce((s, c) => s + c.logLikelihoodRatio, priorLogOdds)
  const probability = Number.isNaN(logit)
    ? null
    : logit >= 0
      ? 1 / (1 + Math.exp(-logit))
      : Math.exp(logit) / (1 + Math.exp(logit))
  return {
    probability,
    score: probability === null ? null : Math.round(probability * 10_000) / 100,
    reason: probability === null ? 'no-data' : 'scored',
    table: tableName,
    priorLogOdds,
    contributions,
    ignored,
  }
}

interface ModelTables {
  /** Teams that have rows. */
  readonly teams: ReadonlySet<string | null>
  /** Id of the stage with the lowest sequence (first in list order among equals). */
  readonly firstStage: string | undefined
  /** Built tables by team; the global table under the key `undefined`. */
  readonly byTeam: Map<string | undefined, Table>
}

/** Models are immutable values, so their derived tables are computed once per model and reused across leads. */
const cache = new WeakMap<LeadScoringModel, ModelTables>()

function tablesOf(model: LeadScoringModel): ModelTables {
  let tables = cache.get(model)
  if (!tables) {
    let first: { id: string; sequence: number } | undefined
    for (const s of model.stages) if (!first || s.sequence < first.sequence) first = s
    tables = {
      teams: new Set(model.frequencies.map((f) => f.team)),
      firstStage: first?.id,
      byTeam: new Map(),
    }
    cache.set(model, tables)
  }
  return tables
}

function tableFor(model: LeadScoringModel, tables: ModelTables, team: string | undefined): Table {
  let table = tables.byTeam.get(team)
  if (!table) {
    table = buildTable(model, team)
    tables.byTeam.set(team, table)
  }
  return table
}

/** The per-variable value counts and totals for one team (or all rows when `team` is undefined). */
function buildTable(model: LeadScoringModel, team: string | null | undefined): Table {
  const values = new Map<string, Map<string, { won: number; lost: number }>>()
  const totals = new Map<string, { won: number; lost: number }>()
  const tags = new Set(model.tagFields)
  for (const f of model.frequencies) {
    if (tags.has(f.variable) && f.won + f.lost < model.minTagObservations) continue
    if (team !== undefined && f.team !== team) continue
    let byValue = values.get(f.variable)
    if (!byValue) values.set(f.variable, (byValue = new Map()))
    const cell = byValue.get(f.value) ?? { won: 0, lost: 0 }
    byValue.set(f.value, { won: cell.won + f.won, lost: cell.lost + f.lost })
    const total = totals.get(f.variable) ?? { won: 0, lost: 0 }
    totals.set(f.variable, { won: total.won + f.won, lost: total.lost + f.lost })
  }
  return { values, totals }
}
