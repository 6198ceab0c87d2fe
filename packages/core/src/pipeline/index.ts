/**
 * `@rapport/core/pipeline`: pipelines and stage flows: templates, transition plans and policies, transition guards,
 * time in stage, SLAs and business hours.
 *
 * @example
 * ```ts
 * import { defineTransitionGuard } from '@rapport/core/pipeline'
 *
 * const needsAmount = defineTransitionGuard({
 *   name: 'needs-amount',
 *   entities: ['deal'],
 *   check: ({ record, to }) => to.kind !== 'won' || record.amount != null || 'A won deal needs an amount',
 * })
 * const crm = createCrm({ storage, transitionGuards: [needsAmount] })
 * ```
 *
 * @module
 */

export {
  addBusinessTime,
  type BusinessCalendarSpec,
  type BusinessHoursEntry,
  businessTimeBetween,
  isBusinessTime,
} from './business-hours.js'
export { missingFields } from './missing-fields.js'
export {
  findStage,
  findStageByKey,
  initialStage,
  isClosedStage,
  type PipelineRules,
  type TransitionPolicy,
} from './pipeline-shape.js'
export {
  b2bPipelineTemplate,
  contactLifecycleTemplate,
  defaultPipelineTemplates,
  leadStatusTemplate,
  ticketStatusTemplate,
} from './pipeline-templates.js'
export {
  effectiveProbability,
  planTransition,
  type StageEffects,
  stageEffects,
  type TransitionPlan,
  type TransitionRequest,
  type TransitionVerdict,
} from './plan-transition.js'
export {
  computeSla,
  type SlaInput,
  type SlaMetric,
  type SlaPeriod,
  type SlaState,
  type SlaStatus,
} from './sla.js'
export type { StageChangedEvent, StageRef } from './stage-events.js'
export { type StageVisit, summarizeTimeInStage, type TimeInStage } from './time-in-stage.js'
export { builtInGuards, invalidTransition, type TransitionFailure } from './transition-failure.js'
export {
  defineTransitionGuard,
  type TransitionGuard,
  type TransitionGuardContext,
  type TransitionGuardPlugin,
  type TransitionGuardResult,
} from './transition-guard.js'
export { allowedTargets, checkPolicy, type PolicyRefusal } from './transition-policy.js'
