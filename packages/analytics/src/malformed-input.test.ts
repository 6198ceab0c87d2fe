import { describe, expect, it } from 'vitest'
import { trainChurnClassifier } from './churn/churn-classifier.js'
import { isAnalyticsError } from './clv/analytics-error.js'
import { buildLeadScoringModel, updateLeadScoringModel } from './scoring/lead-scoring-model.js'

/** Malformed calls that used to end silently (a wrong answer) instead of in a typed AnalyticsError. */
const codeOf = (f: () => unknown): string => {
  try {
    f()
    return 'ok'
  } catch (error) {
    return isAnalyticsError(error) ? error.code : `untyped: ${String(error)}`
  }
}

describe('malformed input ends in a typed AnalyticsError', () => {
  it('trainChurnClassifier refuses a non-boolean label (churned: "yes" was counted as not churned)', () => {
    const examples = Array.from({ length: 20 }, (_, i) => ({
      features: { x: i },
      churned: i % 2 === 0 ? true : ('yes' as never),
    }))
    expect(codeOf(() => trainChurnClassifier(examples))).toBe('INVALID_INPUT')
  })

  const options = { stages: [{ id: 'new' }, { id: 'won', won: true }], fields: ['source'] }
  const lead = { stage: 'won', fields: { source: 'web' }, outcome: 'won' as const }

  it('lead scoring refuses negative, NaN or infinite smoothing and counts', () => {
    for (const bad of [
      { smoothing: -1 },
      { smoothing: 0 },
      { smoothing: Number.NaN },
      { minTagObservations: Number.NaN },
      { minTagObservations: -3 },
    ]) {
      expect(
        codeOf(() => buildLeadScoringModel([lead], { ...options, ...bad })),
        JSON.stringify(bad),
      ).toBe('INVALID_INPUT')
    }
    expect(codeOf(() => buildLeadScoringModel([lead], options))).toBe('ok')
  })

  it('updateLeadScoringModel refuses an unknown outcome or delta (they produced NaN counts)', () => {
    const model = buildLeadScoringModel([], options)
    expect(codeOf(() => updateLeadScoringModel(model, [{ lead, outcome: 'maybe' as never }]))).toBe(
      'INVALID_INPUT',
    )
    expect(codeOf(() => updateLeadScoringModel(model, [{ lead, outcome: 'won', delta: 2 as never }]))).toBe(
      'INVALID_INPUT',
    )
    expect(codeOf(() => updateLeadScoringModel(model, [{ lead, outcome: 'lost' }]))).toBe('ok')
  })
})
