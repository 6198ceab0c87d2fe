import type { CrmServices } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import { approvalsError } from '../approvals-error.js'
import type { ApprovalRequest, ApprovalTask } from '../entities/approval-entities.js'
import { advance, currentTasks } from './advance-request.js'
import type { ApprovalsRuntime } from './approvals-runtime.js'
import { books, eventOf, policyOf, writeLog } from './approvals-runtime.js'
import { recordHash } from './record-hash.js'

/** Options of a decision, a recall or a delegation. */
export interface DecisionOptions {
  readonly comment?: string
}

/**
 * Runs `fn` on a pending request in one transaction, after bumping the request's `decisions` under its version: two
 * decisions on one request at once serialize (the loser gets `VERSION_CONFLICT` and writes nothing).
 */
export async function onPendingRequest<T>(
  rt: ApprovalsRuntime,
  tenantId: string,
  requestId: string,
  fn: (tx: CrmServices, request: ApprovalRequest) => Promise<T>,
): Promise<T> {
  return rt.services(tenantId).transaction(async (tx) => {
    const found = await books(tx).requests.get(requestId)
    if (found.status !== 'pending') {
      throw approvalsError('APPROVALS_NOT_PENDING', `The approval request is ${found.status}`, {
        requestId,
        status: found.status,
      })
    }
    const request = await books(tx).requests.update(
      requestId,
      { decisions: found.decisions + 1 },
      { expectedVersion: found.version },
    )
    return fn(tx, request)
  })
}

async function openTaskOf(tx: CrmServices, request: ApprovalRequest, actor: Actor): Promise<ApprovalTask> {
  const task = (await currentTasks(tx, request)).find(
    (t) => t.assignee === actor.id && t.status === 'pending',
  )
  if (!task) {
    throw approvalsError(
      'APPROVALS_NOT_APPROVER',
      'Only an approver with an open task may act on this request',
      {
        requestId: request.id,
        actorId: actor.id,
      },
    )
  }
  return task
}

/**
 * The record's hash now, checked against the one submitted: a decision applies to what was reviewed or not at all.
 *
 * @throws `APPROVALS_RECORD_CHANGED` when the record no longer hashes the same.
 */
async function verifiedHash(tx: CrmServices, request: ApprovalRequest): Promise<string> {
  const current = await recordHash(await tx.entity(request.entity).get(request.recordId))
  if (request.recordHash && current !== request.recordHash) {
    throw approvalsError(
      'APPROVALS_RECORD_CHANGED',
      'The record changed since it was submitted; the decision would not apply to what was reviewed',
      { requestId: request.id, submittedHash: request.recordHash, currentHash: current },
    )
  }
  return current
}

/** Records one answer of a task (on the record as submitted) and applies the step rule. */
async function answer(
  rt: ApprovalsRuntime,
  tx: CrmServices,
  request: ApprovalRequest,
  task: ApprovalTask,
  outcome: 'approved' | 'rejected',
  actorId: string,
  comment: string | null,
): Promise<ApprovalRequest> {
  const hash = await verifiedHash(tx, request)
  await books(tx).tasks.update(task.id, { status: outcome, decidedAt: rt.clock(), comment })
  await writeLog(rt, tx, request, {
    action: outcome,
    actorId,
    stepIndex: task.stepIndex,
    taskId: task.id,
    assignee: task.assignee,
    comment,
    recordHash: hash,
  })
  return advance(rt, tx, request, actorId)
}

const refusesSelf = (rt: ApprovalsRuntime, request: ApprovalRequest, userId: string) =>
  policyOf(rt, request.policyId).selfApproval === 'refuse' && request.submittedBy === userId

/** An approver approves or rejects their open task of a pending request. */
export function decide(
  rt: ApprovalsRuntime,
  tenantId: string,
  actor: Actor,
  requestId: string,
  outcome: 'approved' | 'rejected',
  options: DecisionOptions = {},
): Promise<ApprovalRequest> {
  return onPendingRequest(rt, tenantId, requestId, async (tx, request) => {
    if (refusesSelf(rt, request, actor.id)) {
      throw approvalsError('APPROVALS_SELF_APPROVAL', 'The submitter cannot decide their own request', {
        requestId,
        actorId: actor.id,
      })
    }
    const task = await openTaskOf(tx, request, actor)
    return answer(rt, tx, request, task, outcome, actor.id, options.comment ?? null)
  })
}

/** The submitter withdraws a pending request: its open tasks are skipped and the record is unlocked. */
export function recall(
  rt: ApprovalsRuntime,
  tenantId: string,
  actor: Actor,
  requestId: string,
  options: DecisionOptions = {},
): Promise<ApprovalRequest> {
  return onPendingRequest(rt, tenantId, requestId, async (tx, request) => {
    const policy = policyOf(rt, request.policyId)
    if (policy.recall === 'none' || request.submittedBy !== actor.id) {
      throw approvalsError('APPROVALS_NOT_SUBMITTER', 'Only the submitter may recall this request', {
        requestId,
        actorId: actor.id,
      })
    }
    const now = rt.clock()
    for (const task of await currentTasks(tx, request)) {
      if (task.status === 'pending' || task.status === 'waiting') {
        await books(tx).tasks.update(task.id, { status: 'skipped', decidedAt: now })
      }
    }
    const done = await books(tx).requests.update(request.id, {
      status: 'recalled',
      decidedAt: now,
      pendingKey: null,
    })
    const binding = policy.recordStatus
    if (binding) {
      await tx.entity(done.entity).update(done.recordId, {
        [binding.field]: binding.recalled ?? binding.rejected,
      })
    }
    await writeLog(rt, tx, done, {
      action: 'recalled',
      actorId: actor.id,
      stepIndex: done.stepIndex,
      comment: options.comment ?? null,
    })
    tx.emit('approval.recalled', eventOf(done))
    return done
  })
}

/**
 * Hands a task's slot to `to`, keeping the original approver; `action` is what the log calls it, `levels` how many
 * managers up an escalation climbed.
 */
async function handOver(
  rt: ApprovalsRuntime,
  tx: CrmServices,
  request: ApprovalRequest,
  task: ApprovalTask,
  to: string,
  action: 'delegated' | 'escalated',
  actorId: string,
  comment: string | null,
  levels = 0,
): Promise<ApprovalTask> {
  const now = rt.clock()
  await books(tx).tasks.update(task.id, { status: 'delegated', decidedAt: now, comment })
  const climbed = action === 'escalated' ? levels : 0
  const next = await books(tx).tasks.create({
    requestId: task.requestId,
    policyId: task.policyId,
    stepIndex: task.stepIndex,
    stepName: task.stepName,
    round: task.round,
    slot: task.slot,
    assignee: to,
    originalAssignee: task.originalAssignee,
    status: 'pending',
    openedAt: now,
    escalations: task.escalations + climbed,
  })
  await writeLog(rt, tx, request, {
    action,
    actorId,
    stepIndex: task.stepIndex,
    taskId: next.id,
    assignee: to,
    comment,
  })
  tx.emit(`approval.${action}`, eventOf(request, { taskId: next.id, from: task.assignee, to }))
  return next
}

/**
 * An approver hands their open task to `to`; the new task keeps `originalAssignee`. Refused
 * (`APPROVALS_DELEGATION_REFUSED`) when the step forbids it, or `to` is the approver, already holds a task of the
 * step, or is the submitter under `selfApproval: 'refuse'`.
 */
export function delegate(
  rt: ApprovalsRuntime,
  tenantId: string,
  actor: Actor,
  requestId: string,
  to: string,
  options: DecisionOptions = {},
): Promise<ApprovalTask> {
  return onPendingRequest(rt, tenantId, requestId, async (tx, request) => {
    const task = await openTaskOf(tx, request, actor)
    const step = policyOf(rt, request.policyId).steps[request.stepIndex]
    const holders = (await currentTasks(tx, request)).map((t) => t.assignee)
    if (
      !step?.allowDelegate ||
      typeof to !== 'string' ||
      to.length === 0 ||
      to.length > 100 ||
      holders.includes(to) ||
      refusesSelf(rt, request, to)
    ) {
      throw approvalsError(
        'APPROVALS_DELEGATION_REFUSED',
        `The task cannot be delegated to "${String(to)}"`,
        {
          requestId,
          to,
          reason: !step?.allowDelegate ? 'notAllowed' : 'invalidDelegate',
        },
      )
    }
    return handOver(rt, tx, request, task, to, 'delegated', actor.id, options.comment ?? null)
  })
}

/**
 * Who an escalating task goes to: the first manager up the chain from its current assignee who holds no task of the
 * step (and is not a refused submitter), within `maxLevels` of the original approver. `levels` is how many managers
 * up that is, from the current assignee.
 */
async function escalationTarget(
  rt: ApprovalsRuntime,
  tx: CrmServices,
  request: ApprovalRequest,
  task: ApprovalTask,
  maxLevels: number,
): Promise<{ userId: string; levels: number } | undefined> {
  const holders = new Set((await currentTasks(tx, request)).map((t) => t.assignee))
  let at: string | undefined = task.assignee
  for (let climbed = 1; task.escalations + climbed <= maxLevels; climbed++) {
    at = await rt.directory.managerOf(at, tx.tenantId)
    if (at === undefined) return undefined
    if (!holders.has(at) && !refusesSelf(rt, request, at)) return { userId: at, levels: climbed }
  }
  return undefined
}

/** What `ApprovalsApi.handleTimeout` did. */
export type TimeoutOutcome = 'none' | 'reminded' | 'escalated' | 'approved' | 'rejected'

/**
 * Applies the step's timeout to a task whose time ran out (called by automation's relative trigger on
 * `approvalTask.openedAt`, see `approvalTimeoutRules`). A task no longer pending, or a step without a timeout, does
 * nothing (`none`): the call is safe to repeat.
 */
export async function handleTimeout(
  rt: ApprovalsRuntime,
  tenantId: string,
  taskId: string,
): Promise<TimeoutOutcome> {
  const task = await books(rt.services(tenantId)).tasks.get(taskId)
  if (task.status !== 'pending') return 'none'
  const timeout = policyOf(rt, task.policyId).steps[task.stepIndex]?.timeout
  if (!timeout) return 'none'
  const system = rt.systemActor.id
  try {
    return await onPendingRequest(rt, tenantId, task.requestId, async (tx, request) => {
      const current = await books(tx).tasks.get(taskId)
      if (current.status !== 'pending' || current.round !== request.round) return 'none'
      if (timeout.action === 'approve' || timeout.action === 'reject') {
        await writeLog(rt, tx, request, {
          action: 'timedOut',
          actorId: system,
          stepIndex: current.stepIndex,
          taskId,
        })
        await answer(
          rt,
          tx,
          request,
          current,
          timeout.action === 'approve' ? 'approved' : 'rejected',
          system,
          null,
        )
        return timeout.action === 'approve' ? 'approved' : 'rejected'
      }
      if (timeout.action === 'escalate') {
        const target = await escalationTarget(rt, tx, request, current, timeout.levels ?? 1)
        if (target) {
          await handOver(rt, tx, request, current, target.userId, 'escalated', system, null, target.levels)
          return 'escalated'
        }
      }
      await writeLog(rt, tx, request, {
        action: 'reminded',
        actorId: system,
        stepIndex: current.stepIndex,
        taskId,
        assignee: current.assignee,
      })
      tx.emit('approval.reminded', eventOf(request, { taskId, assignee: current.assignee }))
      return 'reminded'
    })
  } catch (error) {
    // A request decided meanwhile, or whose record changed since submission, is not the timer's to decide.
    const code = (error as { code?: unknown }).code
    if (code === 'APPROVALS_NOT_PENDING' || code === 'APPROVALS_RECORD_CHANGED') return 'none'
    throw error
  }
}

/** Lifts the after-approval lock of a record: clears `lockKey` on its approved requests and logs `unlocked`. */
export async function unlockRecord(
  rt: ApprovalsRuntime,
  tenantId: string,
  entity: string,
  recordId: string,
  comment: string | undefined,
): Promise<ApprovalRequest[]> {
  return rt.services(tenantId).transaction(async (tx) => {
    const { items } = await books(tx).requests.list({
      where: { field: 'lockKey', op: 'eq', value: `${entity}:${recordId}` },
      limit: 1000,
    })
    const out: ApprovalRequest[] = []
    for (const request of items) {
      const unlocked = await books(tx).requests.update(request.id, { lockKey: null })
      await writeLog(rt, tx, unlocked, {
        action: 'unlocked',
        actorId: rt.systemActor.id,
        comment: comment ?? null,
      })
      out.push(unlocked)
    }
    return out
  })
}
