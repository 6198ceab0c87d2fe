import { describe, expect, it } from 'vitest'
import type { Stage } from '../../src/entities/index.js'
import type { PipelineRules } from '../../src/pipeline/index.js'
import {
  allowedTargets,
  checkPolicy,
  effectiveProbability,
  missingFields,
  planTransition,
  stageEffects,
} from '../../src/pipeline/index.js'

function stage(id: string, kind: Stage['kind'] = 'open', extra: Partial<Stage> = {}): Stage {
  return {
    id,
    name: id.toUpperCase(),
    kind,
    onHold: false,
    probability: 0,
    forecastCategory: 'pipeline',
    requiredFields: [],
    ...extra,
  }
}

const stages = [
  stage('a'),
  stage('b'),
  stage('hold', 'open', { onHold: true }),
  stage('c'),
  stage('won', 'won'),
  stage('lost', 'lost'),
]

function rules(policy: PipelineRules['policy'], extra: Partial<PipelineRules> = {}): PipelineRules {
  return { id: 'pip_1', stages, policy, transitions: [], allowReopen: true, ...extra }
}

const targets = (p: PipelineRules, from: string) => allowedTargets(p, from).map((s) => s.id)

describe('transition policies', () => {
  it('free allows every other stage', () => {
    expect(targets(rules('free'), 'a')).toEqual(['b', 'hold', 'c', 'won', 'lost'])
  })

  it('forwardOnly allows later ladder stages, hold and closing, never backwards', () => {
    const p = rules('forwardOnly')
    expect(targets(p, 'b')).toEqual(['hold', 'c', 'won', 'lost'])
    expect(checkPolicy(p, 'c', 'a')).toBe('policy')
    expect(targets(p, 'hold')).toEqual(['a', 'b', 'c', 'won', 'lost'])
  })

  it('noSkip allows one step forward, any step back, lost anywhere and won only from the last open stage', () => {
    const p = rules('noSkip')
    expect(targets(p, 'a')).toEqual(['b', 'hold', 'lost'])
    expect(targets(p, 'c')).toEqual(['a', 'b', 'hold', 'won', 'lost'])
    expect(checkPolicy(p, 'a', 'c')).toBe('policy')
    expect(checkPolicy(p, 'a', 'won')).toBe('policy')
  })

  it('explicit allows exactly the edges', () => {
    const p = rules('explicit', {
      transitions: [
        { from: 'a', to: 'c' },
        { from: 'c', to: 'won' },
        { from: 'won', to: 'a' },
      ],
    })
    expect(targets(p, 'a')).toEqual(['c'])
    expect(targets(p, 'b')).toEqual([])
    expect(targets(p, 'won')).toEqual(['a'])
  })

  it('leaving a closed stage is a reopen: refused when the pipeline forbids it, free of the ladder otherwise', () => {
    expect(checkPolicy(rules('noSkip', { allowReopen: false }), 'lost', 'a')).toBe('reopen')
    expect(checkPolicy(rules('noSkip'), 'lost', 'a')).toBeNull()
    expect(checkPolicy(rules('forwardOnly'), 'won', 'b')).toBeNull()
  })

  it('a move to the same stage or to an unknown stage is never allowed', () => {
    expect(checkPolicy(rules('free'), 'a', 'a')).toBe('policy')
    expect(checkPolicy(rules('free'), 'a', 'nope')).toBe('policy')
  })
})

describe('planTransition', () => {
  const withRequired = rules('free', {
    stages: [
      stage('a'),
      stage('proposal', 'open', { requiredFields: ['amount', 'custom.budget'] }),
      stage('lost', 'lost'),
    ],
  })

  it('names the failing guard, the stages and the missing fields', () => {
    const verdict = planTransition({
      pipeline: withRequired,
      fromStageId: 'a',
      toStageId: 'proposal',
      record: { amount: null, custom: {} },
    })
    expect(verdict).toMatchObject({
      ok: false,
      guard: 'requiredFields',
      from: 'a',
      to: 'proposal',
      missingFields: ['amount', 'custom.budget'],
    })
    const ok = planTransition({
      pipeline: withRequired,
      fromStageId: 'a',
      toStageId: 'proposal',
      record: { amount: { amountMinor: 1, currency: 'EUR' }, custom: { budget: 10 } },
    })
    expect(ok).toMatchObject({ ok: true, from: { id: 'a' }, to: { id: 'proposal' } })
  })

  it('requires a reason on lost stages, rejects foreign stages and reports allowed targets on policy refusals', () => {
    expect(
      planTransition({
        pipeline: withRequired,
        fromStageId: 'a',
        toStageId: 'lost',
        record: { lostReason: '  ' },
        reasonField: 'lostReason',
      }),
    ).toMatchObject({ ok: false, guard: 'reason', missingFields: ['lostReason'] })
    expect(
      planTransition({ pipeline: withRequired, fromStageId: 'a', toStageId: 'stg_other', record: {} }),
    ).toMatchObject({
      ok: false,
      guard: 'stageInPipeline',
    })
    expect(
      planTransition({ pipeline: rules('noSkip'), fromStageId: 'a', toStageId: 'c', record: {} }),
    ).toMatchObject({
      ok: false,
      guard: 'policy',
      allowed: ['b', 'hold', 'lost'],
    })
  })
})

describe('stage effects and probability', () => {
  const now = new Date('2026-01-01T00:00:00Z')
  const earlier = new Date('2025-12-01T00:00:00Z')

  it('sets closedAt and the last open stage on closing, clears them on reopening', () => {
    const closed = stageEffects({
      from: stage('b'),
      to: stage('lost', 'lost'),
      now,
      closedAt: null,
      lastOpenStageId: null,
    })
    expect(closed).toEqual({ stageEnteredAt: now, closedAt: now, lastOpenStageId: 'b', clearReason: false })
    const reopened = stageEffects({
      from: stage('lost', 'lost'),
      to: stage('a'),
      now,
      closedAt: earlier,
      lastOpenStageId: 'b',
    })
    expect(reopened).toEqual({ stageEnteredAt: now, closedAt: null, lastOpenStageId: 'b', clearReason: true })
    const created = stageEffects({
      from: null,
      to: stage('won', 'won'),
      now,
      closedAt: earlier,
      lastOpenStageId: null,
    })
    expect(created.closedAt).toEqual(earlier)
  })

  it('keeps the stage default, the override and the estimate apart', () => {
    const open = { kind: 'open' as const, probability: 20 }
    expect(effectiveProbability({ stage: open, override: null, estimate: null })).toBe(20)
    expect(effectiveProbability({ stage: open, override: null, estimate: 35 })).toBe(35)
    expect(effectiveProbability({ stage: open, override: 60, estimate: 35 })).toBe(60)
    expect(
      effectiveProbability({ stage: { kind: 'won', probability: 100 }, override: 60, estimate: 35 }),
    ).toBe(100)
  })

  it('treats null, blank strings, empty arrays and empty objects as missing', () => {
    expect(
      missingFields({ a: null, b: ' ', c: [], d: {}, e: 0, f: false, g: new Date(0), h: 'x' }, [
        'a',
        'b',
        'c',
        'd',
        'e',
        'f',
        'g',
        'h',
        'i.j',
      ]),
    ).toEqual(['a', 'b', 'c', 'd', 'i.j'])
  })
})
