import type { StepMode } from './approval-policy.js'

/** An approver's answer in one slot of a step, or `null` while they have not answered. */
export type SlotAnswer = 'approved' | 'rejected' | null

/** Where a step stands, and which slots may answer now. */
export interface StepState {
  readonly outcome: 'pending' | 'approved' | 'rejected'
  /** The slots whose approvers may answer now (empty once the step is decided). */
  readonly open: readonly number[]
}

/**
 * The one rule of step modes, over the answers of a step's slots (one slot per resolved approver, in resolver order):
 * - any rejection rejects the step;
 * - `sequential`: only the first unanswered slot is open; approved when every slot approved;
 * - `all`: every unanswered slot is open; approved when every slot approved;
 * - `any`: every slot is open until the first answer, which decides the step.
 *
 * @example
 * ```ts
 * stepState('sequential', ['approved', null, null]) // { outcome: 'pending', open: [1] }
 * stepState('any', [null, 'approved', null]) // { outcome: 'approved', open: [] }
 * ```
 */
export function stepState(mode: StepMode, answers: readonly SlotAnswer[]): StepState {
  if (answers.includes('rejected')) return { outcome: 'rejected', open: [] }
  const unanswered = answers.flatMap((a, i) => (a === null ? [i] : []))
  if (mode === 'any') {
    return unanswered.length < answers.length
      ? { outcome: 'approved', open: [] }
      : { outcome: 'pending', open: unanswered }
  }
  if (unanswered.length === 0) return { outcome: 'approved', open: [] }
  return { outcome: 'pending', open: mode === 'sequential' ? unanswered.slice(0, 1) : unanswered }
}
