import type { EntityRecord } from '@rapport/core/entities'
import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'

/** The states of an approval request. */
export const requestStatuses = ['pending', 'approved', 'rejected', 'recalled'] as const

/**
 * The states of an approval task: `waiting` (a later approver of a sequential step), `pending` (open), `approved`,
 * `rejected`, `skipped` (closed because the step was decided without them: Salesforce NoResponse, WukongCRM INVALID),
 * `delegated` (handed to someone else, who holds a new task).
 */
export const taskStatuses = ['waiting', 'pending', 'approved', 'rejected', 'skipped', 'delegated'] as const

/** What an approval log entry records. */
export const logActions = [
  'submitted',
  'assigned',
  'approved',
  'rejected',
  'stepApproved',
  'stepRejected',
  'stepSkipped',
  'sentBack',
  'recalled',
  'delegated',
  'reminded',
  'escalated',
  'timedOut',
  'completed',
  'unlocked',
] as const

const id = z.string().min(1).max(100)

/**
 * An approval request (`crm.entity('approvalRequest')`): one submission of one record under one policy, with the hash
 * of the record as submitted (`recordHash`): a decision applies only if the record still hashes the same. `plan` holds
 * each step's resolved approvers (`null` for a skipped step); `round` counts step activations, so tasks of a step
 * entered again after a send-back are told apart from the earlier ones. `pendingKey` is `entity:recordId` while the
 * request is pending and `null` after: a unique index makes a second pending request for the same record impossible
 * on every adapter.
 */
export const approvalRequestEntity = defineEntity({
  name: 'approvalRequest',
  idPrefix: 'apr',
  shape: {
    policyId: id,
    entity: id,
    recordId: id,
    status: z.enum(requestStatuses),
    stepIndex: z.int().min(0),
    round: z.int().min(0),
    plan: z.array(z.array(z.string()).nullable()),
    submittedBy: id,
    submittedAt: z.date(),
    recordVersion: z.int().nullable().optional(),
    decidedAt: z.date().nullable().optional(),
    /** Bumped by every decision under a version guard, so concurrent decisions on one request serialize. */
    decisions: z.int().min(0).default(0),
    pendingKey: z.string().max(210).nullable().optional(),
    /** `entity:recordId` once approved under a policy with `afterApproval: 'lock'`, until `unlock()`. */
    lockKey: z.string().max(210).nullable().optional(),
    /** SHA-256 of the record as submitted (RFC 8785 canonical JSON, without `version` and `updatedAt`). */
    recordHash: z.string().max(100).nullable().optional(),
  },
  indexes: [
    { name: 'by_record', fields: ['entity', 'recordId', 'status'] },
    { name: 'one_pending', fields: ['pendingKey'], unique: true },
    { name: 'by_lock', fields: ['lockKey'] },
  ],
})

/**
 * One approver's task in one step activation (`crm.entity('approvalTask')`). `slot` is the approver's position among
 * the step's resolved approvers; a delegated task hands its slot to a new task that keeps `originalAssignee`.
 * `openedAt` is when the task became pending: automation's relative trigger on it drives timeouts.
 */
export const approvalTaskEntity = defineEntity({
  name: 'approvalTask',
  idPrefix: 'apt',
  shape: {
    requestId: id,
    policyId: id,
    stepIndex: z.int().min(0),
    stepName: id,
    round: z.int().min(0),
    slot: z.int().min(0),
    assignee: id,
    originalAssignee: id,
    status: z.enum(taskStatuses),
    openedAt: z.date().nullable().optional(),
    decidedAt: z.date().nullable().optional(),
    comment: z.string().max(2000).nullable().optional(),
    /** How many managers up from `originalAssignee` timeouts escalated this slot. */
    escalations: z.int().min(0).default(0),
  },
  references: { requestId: { model: 'approvalRequest', onDelete: 'restrict' } },
  indexes: [
    { name: 'by_request', fields: ['requestId', 'round'] },
    { name: 'by_assignee', fields: ['assignee', 'status'] },
  ],
})

/**
 * The append-only approval log (`crm.entity('approvalLog')`): every submission, assignment, decision, recall,
 * delegation, reminder, escalation and timeout, with the actor and the instant. Entries are never updated or deleted
 * (`APPROVALS_READ_ONLY`).
 */
export const approvalLogEntity = defineEntity({
  name: 'approvalLog',
  idPrefix: 'apl',
  shape: {
    requestId: id,
    entity: id,
    recordId: id,
    action: z.enum(logActions),
    actorId: id,
    stepIndex: z.int().min(0).nullable().optional(),
    taskId: id.nullable().optional(),
    assignee: id.nullable().optional(),
    comment: z.string().max(2000).nullable().optional(),
    /** The record's hash the entry applies to: as submitted, and as verified by each decision. */
    recordHash: z.string().max(100).nullable().optional(),
    at: z.date(),
    seq: z.int().min(0),
  },
  indexes: [{ name: 'by_request', fields: ['requestId', 'seq'] }],
})

/** The entities the plugin declares. */
export const approvalEntities = [approvalRequestEntity, approvalTaskEntity, approvalLogEntity] as const

/** An approval request as stored. */
export type ApprovalRequest = EntityRecord<typeof approvalRequestEntity>
/** An approval task as stored. */
export type ApprovalTask = EntityRecord<typeof approvalTaskEntity>
/** An approval log entry as stored. */
export type ApprovalLogEntry = EntityRecord<typeof approvalLogEntity>
