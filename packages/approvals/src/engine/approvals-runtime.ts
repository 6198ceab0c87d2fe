import type { CrmServices } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import type { ApproverDirectory } from '../directory/approver-directory.js'
import type { ApprovalLogEntry, ApprovalRequest, ApprovalTask } from '../entities/approval-entities.js'
import type { ResolvedPolicy } from '../policy/approval-policy.js'

/** What a resolver function receives. */
export interface ResolverContext {
  /** The record being submitted, as stored. */
  readonly record: Readonly<Record<string, unknown>>
  readonly policyId: string
  readonly stepName: string
  /** Who submits. */
  readonly submittedBy: string
  readonly tenantId: string
  /** Services inside the submission's transaction, acting as the plugin's system actor. */
  readonly crm: CrmServices
}

/** A host function resolving approvers (`{ resolver: name }`): returns user ids. */
export type ApproverResolverFn = (ctx: ResolverContext) => readonly string[] | Promise<readonly string[]>

/** What the plugin calls once a request is approved or rejected, inside the deciding transaction. */
export type FinalDecisionHook = (
  request: ApprovalRequest,
  ctx: { readonly crm: CrmServices; readonly record: Readonly<Record<string, unknown>> },
) => void | Promise<void>

/** @internal The plugin's configuration and services, shared by the engine's functions. */
export interface ApprovalsRuntime {
  readonly policies: ReadonlyMap<string, ResolvedPolicy>
  readonly directory: ApproverDirectory
  readonly resolvers: ReadonlyMap<string, ApproverResolverFn>
  readonly systemActor: Actor
  readonly clock: () => Date
  readonly onFinal: FinalDecisionHook | undefined
  /** Services of `tenantId` acting for `actor` (default: the system actor). */
  services(tenantId: string, actor?: Actor): CrmServices
}

/** @internal Typed access to the plugin's entities inside a transaction. */
export function books(tx: CrmServices) {
  return {
    requests: tx.entity<ApprovalRequest>('approvalRequest'),
    tasks: tx.entity<ApprovalTask>('approvalTask'),
    log: tx.entity<ApprovalLogEntry>('approvalLog'),
  }
}

/** @internal The policy of a stored request (policies are configuration: a removed one is an error). */
export function policyOf(rt: ApprovalsRuntime, policyId: string): ResolvedPolicy {
  const policy = rt.policies.get(policyId)
  if (!policy)
    throw new Error(`approvals: the policy "${policyId}" of a stored request is no longer configured`)
  return policy
}

/** @internal One log entry; `seq` orders the entries of a request even when they share an instant. */
export async function writeLog(
  rt: ApprovalsRuntime,
  tx: CrmServices,
  request: ApprovalRequest,
  entry: {
    readonly action: ApprovalLogEntry['action']
    readonly actorId: string
    readonly stepIndex?: number | null
    readonly taskId?: string | null
    readonly assignee?: string | null
    readonly comment?: string | null
    readonly recordHash?: string | null
  },
): Promise<void> {
  const { log } = books(tx)
  const seq = await log.count({ where: { field: 'requestId', op: 'eq', value: request.id } })
  await log.create({
    requestId: request.id,
    entity: request.entity,
    recordId: request.recordId,
    action: entry.action,
    actorId: entry.actorId,
    stepIndex: entry.stepIndex ?? null,
    taskId: entry.taskId ?? null,
    assignee: entry.assignee ?? null,
    comment: entry.comment ?? null,
    recordHash: entry.recordHash ?? null,
    at: rt.clock(),
    seq,
  })
}

/** @internal The payload of every `approval.*` event. */
export function eventOf(request: ApprovalRequest, extra: Record<string, unknown> = {}) {
  return {
    requestId: request.id,
    policyId: request.policyId,
    entity: request.entity,
    recordId: request.recordId,
    tenantId: request.tenantId,
    status: request.status,
    stepIndex: request.stepIndex,
    submittedBy: request.submittedBy,
    ...extra,
  }
}
