/**
 * Explainable predictive lead scoring in the style of Odoo's PLS: naive Bayes over per-team won/lost frequency tables
 * with 0.1 smoothing, returning the probability and each feature's contribution.
 *
 * @example
 * ```ts
 * import { buildLeadScoringModel, scoreLead } from '@rapport/analytics/scoring'
 *
 * const model = buildLeadScoringModel(closedLeads, {
 *   stages: [{ id: 'new' }, { id: 'qualified' }, { id: 'won', won: true }],
 *   fields: ['source'],
 * })
 * const { probability, contributions } = scoreLead(model, { stage: 'qualified', fields: { source: 'web' } })
 * ```
 *
 * @module
 */
export type {
  LeadFieldValue,
  LeadOutcome,
  LeadScoringFrequency,
  LeadScoringModel,
  LeadScoringOptions,
  LeadScoringStage,
  LeadScoringUpdate,
  ScoringLead,
} from './lead-scoring-model.js'
export { buildLeadScoringModel, leadScoringValues, updateLeadScoringModel } from './lead-scoring-model.js'
export type { LeadScore, LeadScoreContribution, LeadScoreReason } from './score-lead.js'
export { scoreLead } from './score-lead.js'
