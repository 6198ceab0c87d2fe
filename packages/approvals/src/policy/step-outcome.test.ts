import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { StepMode } from './approval-policy.js'
import type { SlotAnswer } from './step-outcome.js'
import { stepState } from './step-outcome.js'

const mode = fc.constantFrom<StepMode>('sequential', 'all', 'any')
/** Attempts to answer: (slot, answer) in arrival order; attempts on closed slots are refused, as the engine does. */
const attempts = fc.array(
  fc.tuple(fc.nat(5), fc.constantFrom<'approved' | 'rejected'>('approved', 'rejected')),
  {
    maxLength: 20,
  },
)

function play(m: StepMode, slots: number, tries: readonly (readonly [number, 'approved' | 'rejected'])[]) {
  const answers: SlotAnswer[] = Array.from({ length: slots }, () => null)
  const accepted: [number, 'approved' | 'rejected'][] = []
  for (const [slot, answer] of tries) {
    if (!stepState(m, answers).open.includes(slot)) continue
    answers[slot] = answer
    accepted.push([slot, answer])
  }
  return { answers, accepted, state: stepState(m, answers) }
}

describe('step modes (property)', () => {
  it('a decided step has no open slot, and a pending one has at least one', () => {
    fc.assert(
      fc.property(mode, fc.integer({ min: 1, max: 6 }), attempts, (m, slots, tries) => {
        const { state } = play(m, slots, tries)
        if (state.outcome === 'pending') expect(state.open.length).toBeGreaterThan(0)
        else expect(state.open).toEqual([])
      }),
    )
  })

  it('matches the reference semantics of sequential, all and any', () => {
    fc.assert(
      fc.property(mode, fc.integer({ min: 1, max: 6 }), attempts, (m, slots, tries) => {
        const { accepted, state } = play(m, slots, tries)
        const rejected = accepted.some(([, a]) => a === 'rejected')
        const approvals = accepted.filter(([, a]) => a === 'approved').length
        if (m === 'any') {
          // the first answer decides: at most one is ever accepted
          expect(accepted.length).toBeLessThanOrEqual(1)
          expect(state.outcome).toBe(accepted[0]?.[1] ?? 'pending')
        } else {
          expect(state.outcome).toBe(rejected ? 'rejected' : approvals === slots ? 'approved' : 'pending')
          // nobody answers twice
          expect(new Set(accepted.map(([s]) => s)).size).toBe(accepted.length)
        }
        if (m === 'sequential') {
          // answers arrive exactly in slot order
          expect(accepted.map(([s]) => s)).toEqual(accepted.map((_, i) => i))
        }
      }),
    )
  })

  it('approving every open slot in turn approves the step in every mode', () => {
    fc.assert(
      fc.property(mode, fc.integer({ min: 1, max: 6 }), (m, slots) => {
        const answers: SlotAnswer[] = Array.from({ length: slots }, () => null)
        let state = stepState(m, answers)
        for (let guard = 0; state.outcome === 'pending' && guard < 10; guard++) {
          for (const slot of state.open) answers[slot] = 'approved'
          state = stepState(m, answers)
        }
        expect(state.outcome).toBe('approved')
      }),
    )
  })
})
