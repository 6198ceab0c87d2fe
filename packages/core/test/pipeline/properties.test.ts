import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isRapportError } from '../../src/index.js'
import type { PipelineRules } from '../../src/pipeline/index.js'
import { checkPolicy } from '../../src/pipeline/index.js'
import { setupPipelineCrm } from './helpers.js'

const STAGES = [
  { key: 's0', name: 'S0' },
  { key: 's1', name: 'S1' },
  { key: 'hold', name: 'Hold', onHold: true },
  { key: 's2', name: 'S2' },
  { key: 'won', name: 'Won', kind: 'won' as const, probability: 100 },
  { key: 'lost', name: 'Lost', kind: 'lost' as const },
]

const policyArb = fc.record({
  policy: fc.constantFrom('free', 'forwardOnly', 'noSkip', 'explicit') as fc.Arbitrary<
    PipelineRules['policy']
  >,
  allowReopen: fc.boolean(),
  edges: fc.uniqueArray(
    fc
      .record({ from: fc.integer({ min: 0, max: 5 }), to: fc.integer({ min: 0, max: 5 }) })
      .filter((e) => e.from !== e.to),
    { maxLength: 12, selector: (e) => `${e.from}-${e.to}` },
  ),
})

const movesArb = fc.array(
  fc.record({
    to: fc.integer({ min: 0, max: 5 }),
    afterMs: fc.integer({ min: 0, max: 10 * 86_400_000 }),
    reason: fc.boolean(),
  }),
  { minLength: 1, maxLength: 15 },
)

describe('pipeline machine properties', () => {
  it('random moves never leave a deal in a state its policy forbids, and history durations add up to elapsed time', async () => {
    await fc.assert(
      fc.asyncProperty(policyArb, fc.integer({ min: 0, max: 5 }), movesArb, async (rules, start, moves) => {
        const { crm, advance, now } = await setupPipelineCrm()
        const pipeline = await crm.pipelines.create({
          name: 'Random',
          policy: rules.policy,
          allowReopen: rules.allowReopen,
          stages: STAGES,
          transitions: rules.edges.map((e) => ({
            from: STAGES[e.from]?.key as string,
            to: STAGES[e.to]?.key as string,
          })),
        })
        const ids = pipeline.stages.map((s) => s.id)
        const startStage = pipeline.stages[start]
        let deal = await crm.deals.create({
          name: 'D',
          pipelineId: pipeline.id,
          stageId: ids[start] as string,
          ...(startStage?.kind === 'lost' ? { lostReason: 'initial' } : {}),
        })
        const createdAt = deal.createdAt
        let accepted = 0
        for (const move of moves) {
          advance(move.afterMs)
          const from = deal.stageId
          const to = ids[move.to] as string
          const lostTarget = pipeline.stages[move.to]?.kind === 'lost'
          const expectedAllowed =
            from === to || (checkPolicy(pipeline, from, to) === null && (!lostTarget || move.reason))
          try {
            const next = await crm.deals.moveStage(deal.id, to, move.reason ? { reason: 'because' } : {})
            expect(expectedAllowed).toBeTruthy()
            if (from !== to) accepted++
            deal = next
          } catch (error) {
            if (!isRapportError(error, 'INVALID_TRANSITION')) throw error
            expect(expectedAllowed).toBeFalsy()
            expect(await crm.deals.get(deal.id)).toEqual(deal)
          }
          // The invariants of every state the machine lets a deal reach.
          const stage = pipeline.stages.find((s) => s.id === deal.stageId)
          expect(stage).toBeDefined()
          expect(deal.closedAt === null).toBe(stage?.kind === 'open')
          if (stage?.kind === 'lost') expect(deal.lostReason).toBeTruthy()
          if (stage?.kind !== 'open') expect(deal.probability).toBe(stage?.probability)
        }
        const history = await crm.deals.stageHistory(deal.id)
        expect(history).toHaveLength(accepted + 1)
        for (const [i, row] of history.entries()) {
          if (i === 0) continue
          const previous = history[i - 1]
          expect(row.fromStageId).toBe(previous?.toStageId)
          expect(checkPolicy(pipeline, row.fromStageId as string, row.toStageId)).toBeNull()
        }
        const closed = history.slice(1).reduce((sum, row) => sum + (row.durationMs ?? 0), 0)
        const open = now().getTime() - (deal.stageEnteredAt as Date).getTime()
        expect(closed + open).toBe(now().getTime() - createdAt.getTime())
        const time = await crm.deals.timeInStage(deal.id)
        expect(time.totalMs).toBe(now().getTime() - createdAt.getTime())
      }),
      { numRuns: 40 },
    )
  }, 120_000)
})
