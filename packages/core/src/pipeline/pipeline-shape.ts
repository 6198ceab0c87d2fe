import type { Stage, TransitionEdge, transitionPolicies } from '../entities/pipeline.js'

/** A transition policy: `free`, `forwardOnly`, `noSkip` or `explicit`. */
export type TransitionPolicy = (typeof transitionPolicies)[number]

/** What the pipeline machine needs to know about a pipeline: its ordered stages and its rules. */
export interface PipelineRules {
  readonly id: string
  readonly stages: readonly Stage[]
  readonly policy: TransitionPolicy
  readonly transitions: readonly TransitionEdge[]
  readonly allowReopen: boolean
}

/** The stage with this id, or `undefined`. */
export function findStage(pipeline: Pick<PipelineRules, 'stages'>, stageId: string): Stage | undefined {
  return pipeline.stages.find((s) => s.id === stageId)
}

/** The stage with this key (e.g. `converted`), or `undefined`. */
export function findStageByKey(pipeline: Pick<PipelineRules, 'stages'>, key: string): Stage | undefined {
  return pipeline.stages.find((s) => s.key === key)
}

/** The stage new records start in: the first open stage that is not on hold, else the first stage. */
export function initialStage(pipeline: Pick<PipelineRules, 'stages'>): Stage {
  return (pipeline.stages.find((s) => s.kind === 'open' && !s.onHold) ?? pipeline.stages[0]) as Stage
}

/** Whether a stage closes the record (`won` or `lost`). */
export function isClosedStage(stage: Pick<Stage, 'kind'>): boolean {
  return stage.kind !== 'open'
}
