import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAnalyticsError } from '../clv/analytics-error.js'
import type { LeadScoringOptions, ScoringLead } from './lead-scoring-model.js'
import { buildLeadScoringModel, updateLeadScoringModel } from './lead-scoring-model.js'
import { scoreLead } from './score-lead.js'

const options: LeadScoringOptions = {
  stages: [{ id: 'new' }, { id: 'qualified' }, { id: 'proposal' }, { id: 'won', won: true }],
  fields: ['source'],
}

const teamA: ScoringLead[] = [
  { outcome: 'won', stage: 'won', team: 'A', fields: { source: 'web' } },
  { outcome: 'won', stage: 'won', team: 'A', fields: { source: 'referral' } },
  { outcome: 'lost', stage: 'new', team: 'A', fields: { source: 'web' } },
  { outcome: 'lost', stage: 'proposal', team: 'A', fields: { source: 'web' } },
  { outcome: 'lost', stage: 'qualified', team: 'A', fields: { source: 'referral' } },
  { outcome: 'open', stage: 'proposal', team: 'A', fields: { source: 'web' } }, // open leads do not train
]
const teamB: ScoringLead[] = [
  { outcome: 'won', stage: 'won', team: 'B', fields: { source: 'web' } },
  { outcome: 'lost', stage: 'new', team: 'B', fields: {} },
]

function row(
  model: ReturnType<typeof buildLeadScoringModel>,
  team: string | null,
  variable: string,
  value: string,
) {
  const f = model.frequencies.find((x) => x.team === team && x.variable === variable && x.value === value)
  return f && [Number(f.won.toFixed(10)), Number(f.lost.toFixed(10))]
}

describe('Odoo-style lead scoring', () => {
  const model = buildLeadScoringModel([...teamA, ...teamB], options)

  it('counts stages as "reached": won leads in every stage, lost leads in their stage and all earlier ones, +0.1', () => {
    expect(row(model, 'A', 'stage', 'new')).toEqual([2.1, 3.1])
    expect(row(model, 'A', 'stage', 'qualified')).toEqual([2.1, 2.1])
    expect(row(model, 'A', 'stage', 'proposal')).toEqual([2.1, 1.1])
    expect(row(model, 'A', 'stage', 'won')).toEqual([2.1, 0.1])
    expect(row(model, 'A', 'team', 'A')).toEqual([2.1, 3.1])
    expect(row(model, 'A', 'source', 'web')).toEqual([1.1, 2.1])
    expect(row(model, 'A', 'source', 'referral')).toEqual([1.1, 1.1])
    expect(row(model, 'B', 'stage', 'new')).toEqual([1.1, 1.1])
    expect(row(model, 'B', 'source', 'web')).toEqual([1.1, 0.1])
  })

  it('matches a hand computation on the team table', () => {
    const s = scoreLead(model, { stage: 'proposal', team: 'A', fields: { source: 'web' } })
    // P(won) = 2.1/5.2; stage uses team totals; team A factor is 1; source totals are 2.2 won / 3.2 lost
    const sWon = (2.1 / 5.2) * (2.1 / 2.1) * (2.1 / 2.1) * (1.1 / 2.2)
    const sLost = (3.1 / 5.2) * (1.1 / 3.1) * (3.1 / 3.1) * (2.1 / 3.2)
    expect(s.reason).toBe('scored')
    expect(s.table).toBe('A')
    expect(s.probability).toBeCloseTo(sWon / (sWon + sLost), 12)
    expect(s.score).toBe(Math.round((10_000 * sWon) / (sWon + sLost)) / 100)
    expect(s.contributions.map((c) => [c.variable, c.value])).toEqual([
      ['stage', 'proposal'],
      ['team', 'A'],
      ['source', 'web'],
    ])
    const logit = s.contributions.reduce((acc, c) => acc + c.logLikelihoodRatio, s.priorLogOdds)
    expect(logit).toBeCloseTo(Math.log(sWon / sLost), 12)
  })

  it('falls back to the global table for unknown teams and ignores values it has never seen', () => {
    const s = scoreLead(model, { stage: 'proposal', team: 'Z', fields: { source: 'web' } })
    // global rows: new (2.1+1.1, 3.1+1.1), proposal (2.1+1.1, 1.1+0.1), source web (1.1+1.1, 2.1+0.1), referral (1.1, 1.1)
    const sWon = (3.2 / 7.4) * (3.2 / 3.2) * (2.2 / 3.3)
    const sLost = (4.2 / 7.4) * (1.2 / 4.2) * (2.2 / 3.3)
    expect(s.table).toBeNull()
    expect(s.probability).toBeCloseTo(sWon / (sWon + sLost), 12)
    expect(s.ignored).toEqual([{ variable: 'team', value: 'Z' }])
    const noTeam = scoreLead(model, { stage: 'proposal', fields: { source: 'web' } })
    expect(noTeam.probability).toBeCloseTo(s.probability!, 12)
  })

  it('short-circuits: no stage scores 0, a won stage 100, an empty history has no data', () => {
    expect(scoreLead(model, { team: 'A' })).toMatchObject({ probability: 0, score: 0, reason: 'no-stage' })
    expect(scoreLead(model, { stage: 'won', team: 'A' })).toMatchObject({ probability: 1, score: 100 })
    const empty = buildLeadScoringModel([], options)
    expect(scoreLead(empty, { stage: 'new' })).toMatchObject({ probability: null, reason: 'no-data' })
  })

  it('ignores rare tag values (fewer than minTagObservations) but counts frequent ones', () => {
    const tagged = buildLeadScoringModel(
      [
        { outcome: 'won', stage: 'won', fields: { tags: ['x', 'y'] } },
        { outcome: 'lost', stage: 'new', fields: { tags: ['x'] } },
        { outcome: 'lost', stage: 'new', fields: { tags: ['x'] } },
      ],
      { ...options, fields: ['tags'], tagFields: ['tags'], minTagObservations: 3 },
    )
    const s = scoreLead(tagged, { stage: 'new', fields: { tags: ['x', 'y'] } })
    expect(s.contributions.map((c) => c.value)).toEqual(['new', 'x'])
    expect(s.ignored).toEqual([{ variable: 'tags', value: 'y' }])
    // x: won 1.1, lost 2.1 over tag totals that exclude y; stage new: won 1.1, lost 2.1 over team totals 1.1 / 2.1
    const sWon = (1.1 / 3.2) * (1.1 / 1.1) * (1.1 / 1.1)
    const sLost = (2.1 / 3.2) * (2.1 / 2.1) * (2.1 / 2.1)
    expect(s.probability).toBeCloseTo(sWon / (sWon + sLost), 12)
  })

  it('agrees with the direct naive-Bayes product and keeps logit = prior + contributions on random data', () => {
    const leadArb = fc.record({
      outcome: fc.constantFrom('won' as const, 'lost' as const),
      stage: fc.constantFrom('new', 'qualified', 'proposal'),
      team: fc.constantFrom('A', 'B', null),
      fields: fc.record({
        source: fc.constantFrom('web', 'ads', 'referral', null),
        size: fc.integer({ min: 1, max: 3 }),
      }),
    })
    fc.assert(
      fc.property(fc.array(leadArb, { minLength: 1, maxLength: 40 }), leadArb, (history, lead) => {
        const m = buildLeadScoringModel(
          history.map((h) => (h.outcome === 'won' ? { ...h, stage: 'won' } : h)),
          { ...options, fields: ['source', 'size'] },
        )
        const s = scoreLead(m, lead)
        if (s.probability === null) return
        const logit = s.contributions.reduce((acc, c) => acc + c.logLikelihoodRatio, s.priorLogOdds)
        expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(s.probability, 10)
        // the product form of Odoo's code, from the same counts
        const teamRow = m.frequencies
          .filter((f) => f.variable === 'stage' && f.value === 'new')
          .filter((f) => (s.table === null ? true : f.team === s.table))
        const teamWon = teamRow.reduce((acc, f) => acc + f.won, 0)
        const teamLost = teamRow.reduce((acc, f) => acc + f.lost, 0)
        let sWon = teamWon / (teamWon + teamLost)
        let sLost = teamLost / (teamWon + teamLost)
        for (const c of s.contributions) {
          sWon *= c.won / c.wonTotal
          sLost *= c.lost / c.lostTotal
        }
        expect(s.probability).toBeCloseTo(sWon / (sWon + sLost), 10)
        expect(s.probability).toBeGreaterThanOrEqual(0)
        expect(s.probability).toBeLessThanOrEqual(1)
      }),
    )
  })

  it('scores many leads the same as a fresh copy of the model (derived tables are cached per model)', () => {
    const leads: ScoringLead[] = [
      { stage: 'proposal', team: 'A', fields: { source: 'web' } },
      { stage: 'new', team: 'Z', fields: { source: 'referral' } },
      { stage: 'qualified', team: 'B', fields: { source: 'web' } },
      { stage: 'qualified', fields: {} },
    ]
    const first = leads.map((lead) => scoreLead(model, lead))
    const again = leads.map((lead) => scoreLead(model, lead))
    const fresh = leads.map((lead) => scoreLead(structuredClone(model), lead))
    expect(again).toEqual(first)
    expect(fresh).toEqual(first)
    const updated = updateLeadScoringModel(model, [{ lead: leads[0]!, outcome: 'won' }])
    expect(scoreLead(updated, leads[0]!).probability!).toBeGreaterThan(first[0]!.probability!)
  })

  it('live updates: counting then un-counting an outcome restores every existing row, input untouched', () => {
    const before = structuredClone(model)
    const lead: ScoringLead = { stage: 'qualified', team: 'A', fields: { source: 'web' } }
    const up = updateLeadScoringModel(model, [{ lead, outcome: 'lost' }])
    expect(row(up, 'A', 'stage', 'new')).toEqual([2.1, 4.1])
    expect(row(up, 'A', 'stage', 'qualified')).toEqual([2.1, 3.1])
    expect(row(up, 'A', 'stage', 'proposal')).toEqual([2.1, 1.1])
    const down = updateLeadScoringModel(up, [{ lead, outcome: 'lost', delta: -1 }])
    const rounded = (m: typeof model) =>
      m.frequencies.map((f) => ({ ...f, won: f.won.toFixed(9), lost: f.lost.toFixed(9) }))
    expect(rounded(down)).toEqual(rounded(model))
    expect(model).toEqual(before)
  })

  it('rejects unknown stages, duplicate stage ids and reserved field names', () => {
    for (const call of [
      () => buildLeadScoringModel([{ outcome: 'won', stage: 'nope' }], options),
      () => buildLeadScoringModel([], { ...options, stages: [{ id: 'a' }, { id: 'a' }] }),
      () => buildLeadScoringModel([], { ...options, fields: ['team'] }),
    ]) {
      let caught: unknown
      try {
        call()
      } catch (err) {
        caught = err
      }
      expect(isAnalyticsError(caught, 'INVALID_INPUT')).toBe(true)
    }
  })
})
