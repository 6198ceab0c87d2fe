import type { CrmServices } from '@rapport/core'
import type { ApprovalRequest, ApprovalTask } from '../entities/approval-entities.js'
import type { SlotAnswer } from '../policy/step-outcome.js'
import { stepState } from '../policy/step-outcome.js'
import type { ApprovalsRuntime } from './approvals-runtime.js'
import { books, eventOf, policyOf, writeLog } from './approvals-runtime.js'

/** The tasks of the request's current step activation that still hold their slot (delegated ones handed theirs on). */
export async function currentTasks(tx: CrmServices, request: ApprovalRequest): Promise<ApprovalTask[]> {
  const page = await books(tx).tasks.list({
    where: {
      and: [
        { field: 'requestId', op: 'eq', value: request.id },
        { field: 'round', op: 'eq', value: request.round },
      ],
    },
    orderBy: [{ field: 'slot', direction: 'asc' }],
    limit: 1000,
  })
  return page.items.filter((t) => t.status !== 'delegated')
}

/**
 * Ends a request as approved or rejected: unlocks the record (or keeps it locked under `afterApproval: 'lock'`), moves
 * a bound status field, emits the event, calls the host's `onFinal`.
 */
async function complete(
  rt: ApprovalsRuntime,
  tx: CrmServices,
  request: ApprovalRequest,
  outcome: 'approved' | 'rejected',
  actorId: string,
): Promise<ApprovalRequest> {
  let done = await books(tx).requests.update(request.id, {
    status: outcome,
    decidedAt: rt.clock(),
    pendingKey: null,
  })
  const policy = policyOf(rt, done.policyId)
  const binding = policy.recordStatus
  if (binding) {
    // Unlocked just above, so the system actor's status write goes through the record's own hooks (lifecycles).
    await tx.entity(done.entity).update(done.recordId, {
      [binding.field]: outcome === 'approved' ? binding.approved : binding.rejected,
    })
  }
  if (outcome === 'approved' && policy.afterApproval === 'lock') {
    done = await books(tx).requests.update(done.id, { lockKey: `${done.entity}:${done.recordId}` })
  }
  await writeLog(rt, tx, done, { action: 'completed', actorId, stepIndex: done.stepIndex, comment: outcome })
  tx.emit(`approval.${outcome}`, eventOf(done))
  if (rt.onFinal) {
    const record = await tx.entity(done.entity).get(done.recordId)
    await rt.onFinal(done, { crm: tx, record })
  }
  return done
}

/**
 * Opens the first step at or after `from` (at or before it when `direction` is -1) that has approvers, as a new
 * round of tasks; with none left, the request ends (approved going forward, rejected going back).
 */
export async function activateStep(
  rt: ApprovalsRuntime,
  tx: CrmServices,
  request: ApprovalRequest,
  from: number,
  direction: 1 | -1,
  actorId: string,
): Promise<ApprovalRequest> {
  const policy = policyOf(rt, request.policyId)
  let index = from
  while (index >= 0 && index < request.plan.length && request.plan[index] === null) {
    await writeLog(rt, tx, request, { action: 'stepSkipped', actorId, stepIndex: index })
    index += direction
  }
  const people = request.plan[index]
  if (index < 0 || index >= request.plan.length || !people) {
    return complete(rt, tx, request, direction === 1 ? 'approved' : 'rejected', actorId)
  }
  const step = policy.steps[index]
  if (!step) throw new Error(`approvals: the policy "${policy.id}" has no step ${index}`)
  const next = await books(tx).requests.update(request.id, { stepIndex: index, round: request.round + 1 })
  const now = rt.clock()
  for (const [slot, assignee] of people.entries()) {
    const open = step.mode !== 'sequential' || slot === 0
    const task = await books(tx).tasks.create({
      requestId: next.id,
      policyId: next.policyId,
      stepIndex: index,
      stepName: step.name,
      round: next.round,
      slot,
      assignee,
      originalAssignee: assignee,
      status: open ? 'pending' : 'waiting',
      openedAt: open ? now : null,
    })
    if (open)
      await writeLog(rt, tx, next, {
        action: 'assigned',
        actorId,
        stepIndex: index,
        taskId: task.id,
        assignee,
      })
  }
  return next
}

/**
 * Applies the step rule ({@link stepState}) after an answer: opens the next sequential approver, or closes the step
 * (the other open tasks become `skipped`) and moves on: the next step, the previous one (`onReject: 'previousStep'`),
 * or the end of the request.
 */
export async function advance(
  rt: ApprovalsRuntime,
  tx: CrmServices,
  request: ApprovalRequest,
  actorId: string,
): Promise<ApprovalRequest> {
  const policy = policyOf(rt, request.policyId)
  const step = policy.steps[request.stepIndex]
  if (!step) throw new Error(`approvals: the policy "${policy.id}" has no step ${request.stepIndex}`)
  const tasks = await currentTasks(tx, request)
  const slots = request.plan[request.stepIndex]?.length ?? 0
  const answers: SlotAnswer[] = Array.from({ length: slots }, () => null)
  for (const task of tasks) {
    if (task.status === 'approved' || task.status === 'rejected') answers[task.slot] = task.status
  }
  const state = stepState(step.mode, answers)
  const now = rt.clock()
  if (state.outcome === 'pending') {
    for (const task of tasks) {
      if (task.status === 'waiting' && state.open.includes(task.slot)) {
        await books(tx).tasks.update(task.id, { status: 'pending', openedAt: now })
        await writeLog(rt, tx, request, {
          action: 'assigned',
          actorId,
          stepIndex: request.stepIndex,
          taskId: task.id,
          assignee: task.assignee,
        })
      }
    }
    return request
  }
  for (const task of tasks) {
    if (task.status === 'waiting' || task.status === 'pending') {
      await books(tx).tasks.update(task.id, { status: 'skipped', decidedAt: now })
    }
  }
  if (state.outcome === 'approved') {
    await writeLog(rt, tx, request, { action: 'stepApproved', actorId, stepIndex: request.stepIndex })
    return activateStep(rt, tx, request, request.stepIndex + 1, 1, actorId)
  }
  await writeLog(rt, tx, request, { action: 'stepRejected', actorId, stepIndex: request.stepIndex })
  if (step.onReject === 'previousStep') {
    await writeLog(rt, tx, request, { action: 'sentBack', actorId, stepIndex: request.stepIndex })
    return activateStep(rt, tx, request, request.stepIndex - 1, -1, actorId)
  }
  return complete(rt, tx, request, 'rejected', actorId)
}
