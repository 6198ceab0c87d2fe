import type { Stage } from '../entities/pipeline.js'
import type { PipelineRules } from './pipeline-shape.js'
import { findStage } from './pipeline-shape.js'

/** Why a policy refuses a move: the pipeline forbids reopening, or its policy forbids this edge. */
export type PolicyRefusal = 'reopen' | 'policy'

/**
 * Checks a move against the pipeline's reopen rule and transition policy. Both stages must belong to the pipeline;
 * a move to the same stage is not a transition and is refused. Returns `null` when allowed.
 *
 * @example
 * ```ts
 * checkPolicy(pipeline, prospectingId, negotiationId) // 'policy' under noSkip
 * ```
 */
export function checkPolicy(
  pipeline: PipelineRules,
  fromStageId: string,
  toStageId: string,
): PolicyRefusal | null {
  const from = findStage(pipeline, fromStageId)
  const to = findStage(pipeline, toStageId)
  if (!from || !to || from.id === to.id) return 'policy'
  if (from.kind !== 'open') {
    if (!pipeline.allowReopen) return 'reopen'
    // Leaving a closed stage is a reopen (or a re-close): only explicit pipelines constrain where it may go.
    return pipeline.policy !== 'explicit' || hasEdge(pipeline, from.id, to.id) ? null : 'policy'
  }
  switch (pipeline.policy) {
    case 'free':
      return null
    case 'explicit':
      return hasEdge(pipeline, from.id, to.id) ? null : 'policy'
    case 'forwardOnly':
    case 'noSkip':
      return ladderAllows(pipeline, from, to) ? null : 'policy'
  }
}

/**
 * The stages a record in `fromStageId` may move to under the pipeline's policy, in pipeline order (guards such as
 * required fields are not considered).
 */
export function allowedTargets(pipeline: PipelineRules, fromStageId: string): Stage[] {
  return pipeline.stages.filter((to) => checkPolicy(pipeline, fromStageId, to.id) === null)
}

function hasEdge(pipeline: PipelineRules, from: string, to: string): boolean {
  return pipeline.transitions.some((e) => e.from === from && e.to === to)
}

/** `forwardOnly` and `noSkip` over the ladder of open, not-on-hold stages; `from` is open. */
function ladderAllows(pipeline: PipelineRules, from: Stage, to: Stage): boolean {
  const ladder = pipeline.stages.filter((s) => s.kind === 'open' && !s.onHold)
  if (to.kind === 'lost') return true
  if (to.kind === 'won') {
    if (pipeline.policy === 'forwardOnly') return true
    const last = ladder.at(-1)
    return last === undefined || last.id === from.id
  }
  // Going on hold, and resuming from hold, are side steps beside the ladder.
  if (to.onHold || from.onHold) return true
  const i = ladder.findIndex((s) => s.id === from.id)
  const j = ladder.findIndex((s) => s.id === to.id)
  return pipeline.policy === 'forwardOnly' ? j > i : j <= i + 1
}
