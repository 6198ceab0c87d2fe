/**
 * `@rapport/automation`: a rules engine for Rapport, shipped as a core plugin. Rules are validated at registration,
 * conditions compile once to synchronous closures over the core filter language plus change predicates, and actions
 * run durably: jobs go into a transactional outbox and through a {@link JobQueue}.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { createSqliteStorage } from '@rapport/storage-sqlite'
 * import { automationPlugin, createInProcessQueue } from '@rapport/automation'
 *
 * const queue = createInProcessQueue()
 * const crm = createCrm({
 *   storage: createSqliteStorage({ file: 'crm.db' }),
 *   plugins: [
 *     automationPlugin({
 *       queue,
 *       rules: [
 *         {
 *           id: 'stale-deal',
 *           name: 'Remind owners of deals stuck for a week',
 *           entity: 'deal',
 *           trigger: { type: 'inactivity', anchor: 'stageEnteredAt', duration: { days: 7 } },
 *           actions: [{ type: 'createTask', title: 'Move {{record.name}} forward', assignTo: 'owner' }],
 *         },
 *       ],
 *     }),
 *   ] as const,
 * })
 * await crm.migrate()
 * await queue.start()
 * setInterval(() => crm.plugins.automation.sweep(), 5 * 60_000)
 * ```
 *
 * @packageDocumentation
 */
export { type AssignArgs, chooseAssignee } from './assignment/assign-owner.js'
export type { AssignmentStrategy, Territory, TieBreak, WeightedUser } from './assignment/assignment-types.js'
export { type AutomationErrorCode, AutomationErrorCodes } from './automation-error.js'
export {
  type ConditionLimits,
  compileCondition,
  DEFAULT_CONDITION_LIMITS,
} from './conditions/compile-condition.js'
export type {
  ChangeCondition,
  CompiledCondition,
  Condition,
  ConditionTrace,
  RecordSnapshot,
} from './conditions/condition-types.js'
export {
  type CatalogField,
  type FieldCatalog,
  fieldCatalogOf,
  openCatalog,
} from './conditions/field-catalog.js'
export type { AutomationEngine } from './engine/automation-engine.js'
export { type AutomationOptions, automationPlugin } from './engine/automation-plugin.js'
export type { DryRunResult, PlannedStep } from './engine/dry-run.js'
export type { HostFunction, HostFunctionContext, RunRow, StepRow } from './engine/engine-runtime.js'
export type { EnrollSkip } from './engine/enroll.js'
export type { RunLog, RunLogQuery } from './engine/run-log.js'
export {
  automationAssignmentEntity,
  automationClockEntity,
  automationEntities,
  automationJobEntity,
  automationPoolEntryEntity,
  automationPoolLogEntity,
  automationRunEntity,
  automationScoreEntity,
  automationStateEntity,
  automationStepEntity,
} from './entities/automation-entities.js'
export { type CompiledPool, compilePool, type PublicPool } from './pool/pool-definition.js'
export type { PoolLogEntry, PoolLogQuery } from './pool/pool-log.js'
export { createInProcessQueue, type InProcessQueueOptions } from './queue/in-process-queue.js'
export {
  DEFAULT_JOB_RETRY,
  type DeadLetter,
  type JobContext,
  type JobHandler,
  type JobQueue,
  type JobSpec,
  PermanentJobError,
  type QueueBinding,
  type TransactionalJobHandler,
  type WorkOptions,
} from './queue/job-queue.js'
export { TASK_REMINDER_EVENT, type TaskReminderDue } from './reminders/task-reminders.js'
export {
  type CompiledRule,
  compileRule,
  type Instruction,
  type RuleCompileContext,
} from './rules/compile-rule.js'
export { durationSchema } from './rules/rule-schemas.js'
export type { Action, AutomationRule, RecordEventKind, RuleOptions, Trigger } from './rules/rule-types.js'
export {
  type CompiledScoringModel,
  compileScoringModel,
  computeScore,
  type ScoreBreakdown,
  type ScoringModel,
} from './scoring/lead-scoring.js'
export { nextCronSlot, type SweepReport } from './time/sweep.js'
export { sendWebhook, type WebhookDelivery } from './webhooks/send-webhook.js'
export {
  checkWebhook,
  signWebhook,
  type VerifyWebhookArgs,
  verifyWebhook,
  type WebhookSignatureHeaders,
  type WebhookVerification,
  type WebhookVerificationFailure,
  webhookSecretKey,
} from './webhooks/sign-webhook.js'
export { isPrivateAddress } from './webhooks/ssrf-guard.js'
