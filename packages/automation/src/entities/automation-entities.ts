import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'

const id = z.string().min(1).max(200)
const json = z.record(z.string(), z.unknown())

/**
 * One enrollment of a record in a rule (the execution log). `enrollmentKey` is unique: `(rule, record)` when
 * re-enrollment is off, `(rule, record, anchor)` for time triggers, so a firing happens once.
 */
export const automationRunEntity = defineEntity({
  name: 'automationRun',
  idPrefix: 'arun',
  table: 'automation_run',
  shape: {
    ruleId: id,
    ruleVersion: z.int().min(1),
    entity: id,
    recordId: id,
    enrollmentKey: z.string().min(1).max(600),
    trigger: z.string().max(50),
    anchor: z.string().max(100).nullable().optional(),
    status: z.enum(['running', 'waiting', 'paused', 'completed', 'failed', 'goal', 'unenrolled']),
    depth: z.int().min(0),
    pc: z.int().min(0),
    /** `rule:record` pairs of the causation chain that led here (loop guard). */
    chain: z.array(z.string().max(500)).max(100).default([]),
    error: json.nullable().optional(),
    finishedAt: z.date().nullable().optional(),
  },
  indexes: [
    { name: 'by_enrollment', fields: ['enrollmentKey'], unique: true },
    { name: 'by_rule_record', fields: ['ruleId', 'recordId', 'createdAt'] },
    { name: 'by_record', fields: ['entity', 'recordId', 'createdAt'] },
    { name: 'by_rule_status', fields: ['ruleId', 'status'] },
  ],
})

/** One executed step of a run; `key` (`runId:pc`) is the step's idempotency key, committed with its effects. */
export const automationStepEntity = defineEntity({
  name: 'automationStep',
  idPrefix: 'astp',
  table: 'automation_step',
  shape: {
    key: z.string().min(1).max(300),
    runId: id,
    ruleId: id,
    recordId: id,
    pc: z.int().min(0),
    path: z.string().max(300),
    action: z.string().max(50),
    status: z.enum(['done', 'skipped']),
    output: json.nullable().optional(),
  },
  indexes: [
    { name: 'by_key', fields: ['key'], unique: true },
    { name: 'by_run', fields: ['runId', 'pc'] },
  ],
})

/**
 * The durable job table of the in-process queue, and the transactional outbox: rows are written in the same
 * transaction as the change that caused them. `status` is `pending`, `running` (leased until `lockedUntil`) or
 * `dead` (the dead-letter queue, with the reason in `lastError`).
 */
export const automationJobEntity = defineEntity({
  name: 'automationJob',
  idPrefix: 'ajob',
  table: 'automation_job',
  shape: {
    name: z.string().min(1).max(200),
    key: z.string().min(1).max(600),
    payload: json,
    status: z.enum(['pending', 'running', 'dead']),
    runAt: z.date(),
    attempts: z.int().min(0),
    maxAttempts: z.int().min(1),
    backoffMs: z.int().min(0),
    backoffMaxMs: z.int().min(0),
    lockedUntil: z.date().nullable().optional(),
    lastError: json.nullable().optional(),
  },
  indexes: [
    { name: 'by_key', fields: ['key'], unique: true },
    { name: 'by_status_run_at', fields: ['status', 'runAt'] },
  ],
})

/** Small persisted values keyed by name: round-robin cursors, sweep and schedule cursors, paused rules. */
export const automationStateEntity = defineEntity({
  name: 'automationState',
  idPrefix: 'asta',
  table: 'automation_state',
  shape: {
    key: z.string().min(1).max(600),
    value: json,
  },
  indexes: [{ name: 'by_key', fields: ['key'], unique: true }],
})

/**
 * Per-record clocks kept by automation for inactivity triggers: when the record last had an activity, and when a
 * deal entered its current stage. Indexed for the sweep.
 */
export const automationClockEntity = defineEntity({
  name: 'automationClock',
  idPrefix: 'aclk',
  table: 'automation_clock',
  shape: {
    entity: id,
    recordId: id,
    stageId: z.string().max(200).nullable().optional(),
    stageEnteredAt: z.date().nullable().optional(),
    lastActivityAt: z.date().nullable().optional(),
  },
  indexes: [
    { name: 'by_record', fields: ['entity', 'recordId'], unique: true },
    { name: 'by_activity', fields: ['entity', 'lastActivityAt'] },
    { name: 'by_stage_entered', fields: ['entity', 'stageEnteredAt'] },
  ],
})

/** Every owner assignment made by a strategy, for daily quotas and audits. */
export const automationAssignmentEntity = defineEntity({
  name: 'automationAssignment',
  idPrefix: 'aasg',
  table: 'automation_assignment',
  shape: {
    strategyKey: z.string().min(1).max(300),
    userId: id,
    entity: id,
    recordId: id,
    /** The UTC day, `YYYY-MM-DD`. */
    day: z.string().length(10),
  },
  indexes: [{ name: 'by_strategy_day', fields: ['strategyKey', 'day', 'userId'] }],
})

/** Lead scores per (model, record): when each rule started to hold, the score, and the thresholds crossed. */
export const automationScoreEntity = defineEntity({
  name: 'automationScore',
  idPrefix: 'ascr',
  table: 'automation_score',
  shape: {
    model: id,
    entity: id,
    recordId: id,
    score: z.number(),
    earned: z.record(z.string(), z.string()),
    crossed: z.array(z.number()).max(100).default([]),
  },
  indexes: [{ name: 'by_model_record', fields: ['model', 'recordId'], unique: true }],
})

/** Pool membership of a record: owned (with when the owner received it) or pooled (with its former owner). */
export const automationPoolEntryEntity = defineEntity({
  name: 'automationPoolEntry',
  idPrefix: 'apen',
  table: 'automation_pool_entry',
  shape: {
    poolId: id,
    recordId: id,
    status: z.enum(['owned', 'pooled']),
    ownerId: z.string().max(200).nullable().optional(),
    formerOwnerId: z.string().max(200).nullable().optional(),
    receivedAt: z.date().nullable().optional(),
    pooledAt: z.date().nullable().optional(),
    warnedFor: z.string().max(100).nullable().optional(),
  },
  indexes: [
    { name: 'by_pool_record', fields: ['poolId', 'recordId'], unique: true },
    { name: 'by_pool_status', fields: ['poolId', 'status'] },
  ],
})

/** Every reclaim, warning and claim of a public pool. */
export const automationPoolLogEntity = defineEntity({
  name: 'automationPoolLog',
  idPrefix: 'aplg',
  table: 'automation_pool_log',
  shape: {
    poolId: id,
    recordId: id,
    action: z.enum(['reclaim', 'claim', 'warn']),
    userId: z.string().max(200).nullable().optional(),
    reason: z.string().max(500),
  },
  indexes: [
    { name: 'by_pool_record', fields: ['poolId', 'recordId', 'createdAt'] },
    { name: 'by_pool_user', fields: ['poolId', 'userId', 'action', 'createdAt'] },
  ],
})

/**
 * One reminder of a task (`Task.reminders`) at its computed instant, kept in step with the task on every write so the
 * sweep finds due reminders through an index. `deliveredAt` marks the one delivery.
 */
export const automationReminderEntity = defineEntity({
  name: 'automationReminder',
  idPrefix: 'armd',
  table: 'automation_reminder',
  shape: {
    taskId: id,
    /** The reminder's instant as ISO text: one row per task and instant. */
    key: z.string().min(1).max(100),
    fireAt: z.date(),
    /** `minutesBefore` reminders belong to the due time: not delivered once the task is past due. */
    beforeDue: z.boolean(),
    deliveredAt: z.date().nullable().optional(),
  },
  indexes: [
    { name: 'by_task_key', fields: ['taskId', 'key'], unique: true },
    { name: 'by_pending', fields: ['deliveredAt', 'fireAt'] },
  ],
})

/** The entities the automation plugin declares. */
export const automationEntities = [
  automationRunEntity,
  automationStepEntity,
  automationJobEntity,
  automationStateEntity,
  automationClockEntity,
  automationAssignmentEntity,
  automationScoreEntity,
  automationPoolEntryEntity,
  automationPoolLogEntity,
  automationReminderEntity,
] as const
