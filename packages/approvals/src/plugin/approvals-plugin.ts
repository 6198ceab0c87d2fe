import type { CrmPlugin } from '@rapport/core'
import { definePlugin, isRapportError, RapportError } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import type { EntityHooks, PluginContext } from '@rapport/core/plugin'
import { ApprovalsErrorCodes, approvalsError } from '../approvals-error.js'
import type { ApproverDirectory } from '../directory/approver-directory.js'
import { emptyDirectory } from '../directory/approver-directory.js'
import type { ApprovalsRuntime, ApproverResolverFn, FinalDecisionHook } from '../engine/approvals-runtime.js'
import { books } from '../engine/approvals-runtime.js'
import type { DecisionOptions, TimeoutOutcome } from '../engine/decide-request.js'
import { decide, delegate, handleTimeout, recall, unlockRecord } from '../engine/decide-request.js'
import type { SubmitInput } from '../engine/submit-request.js'
import { submitRequest } from '../engine/submit-request.js'
import type { ApprovalLogEntry, ApprovalRequest, ApprovalTask } from '../entities/approval-entities.js'
import { approvalEntities } from '../entities/approval-entities.js'
import type { ApprovalPolicy, ResolvedPolicy } from '../policy/approval-policy.js'
import { approvalPolicySchema } from '../policy/approval-policy.js'
import { bookHooks, lockHooks, refuseLockedArchives } from './approval-hooks.js'

/** Options of {@link approvalsPlugin}. */
export interface ApprovalsOptions {
  /** The approval policies, as data; checked when the plugin is created and against the schema on `migrate()`. */
  readonly policies: readonly ApprovalPolicy[]
  /** Where `role` and `managerOf` resolvers look people up (e.g. `accessDirectory(accessPolicy)`). */
  readonly directory?: ApproverDirectory
  /** Named resolver functions for `{ resolver: name }` approvers. */
  readonly resolvers?: Readonly<Record<string, ApproverResolverFn>>
  /**
   * The actor the plugin keeps its books as (default `{ id: 'approvals' }`). With `@rapport/access`, declare it in
   * the policy's `systemActors` with a role that may read the approved entities and write the approval entities.
   */
  readonly actor?: Actor
  /** The clock of request, task and log instants (default `() => new Date()`); share the CRM's in tests. */
  readonly clock?: () => Date
  /**
   * Called inside the deciding transaction once a request is approved or rejected (the record is unlocked by then),
   * e.g. to move a contract to `approved`.
   */
  readonly onFinal?: FinalDecisionHook
}

/** Who acts, and in which tenant (default: the CRM's). */
export interface ActingAs {
  readonly tenantId?: string
}

/** The approval actions of one user, as `crm.plugins.approvals.as(user)` returns them. */
export interface ApprovalActions {
  /**
   * Submits a record for approval and locks it. `APPROVALS_UNKNOWN_POLICY`, `APPROVALS_ENTRY_NOT_MET`,
   * `APPROVALS_ALREADY_PENDING`, `APPROVALS_NO_APPROVER` or `NOT_FOUND` (outside the submitter's access) write nothing.
   */
  submit(input: SubmitInput): Promise<ApprovalRequest>
  /** Approves the caller's open task on the request (`APPROVALS_NOT_APPROVER` if they hold none). */
  approve(requestId: string, options?: DecisionOptions): Promise<ApprovalRequest>
  /** Rejects the caller's open task on the request: the step's `onReject` says what follows. */
  reject(requestId: string, options?: DecisionOptions): Promise<ApprovalRequest>
  /** The submitter withdraws the request (`APPROVALS_NOT_SUBMITTER` for anyone else). */
  recall(requestId: string, options?: DecisionOptions): Promise<ApprovalRequest>
  /** Hands the caller's open task to another user; the original approver is kept on the new task. */
  delegate(requestId: string, to: string, options?: DecisionOptions): Promise<ApprovalTask>
  /** The caller's open tasks, oldest first. */
  inbox(): Promise<ApprovalTask[]>
}

/** The API of the plugin, as `crm.plugins.approvals`. */
export interface ApprovalsApi {
  /** The policies in force, defaults applied. */
  readonly policies: readonly ResolvedPolicy[]
  /** The actions of `actor` (a user id or an actor), in the CRM's tenant or `options.tenantId`. */
  as(actor: Actor | string, options?: ActingAs): ApprovalActions
  /** The requests of a record, newest first. */
  requestsOf(entity: string, recordId: string, options?: ActingAs): Promise<ApprovalRequest[]>
  /** A request's log, in order. */
  logOf(requestId: string, options?: ActingAs): Promise<ApprovalLogEntry[]>
  /** Applies a step's timeout to a task whose time ran out; see `approvalTimeoutRules`. */
  handleTimeout(taskId: string, options?: ActingAs): Promise<TimeoutOutcome>
  /**
   * Lifts the lock a policy with `afterApproval: 'lock'` left on an approved record (host code only: an admin
   * action); logs `unlocked`. Returns the requests unlocked (none when the record was not locked).
   */
  unlock(
    entity: string,
    recordId: string,
    options?: ActingAs & { readonly comment?: string },
  ): Promise<ApprovalRequest[]>
}

function parsePolicies(policies: readonly ApprovalPolicy[]): Map<string, ResolvedPolicy> {
  const out = new Map<string, ResolvedPolicy>()
  for (const [i, input] of policies.entries()) {
    const parsed = approvalPolicySchema.safeParse(input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw approvalsError(
        'APPROVALS_INVALID_POLICY',
        `Invalid approval policy at index ${i}: ${issue?.path.join('.')}: ${issue?.message}`,
        {
          index: i,
          issues: parsed.error.issues.map((x) => ({ path: x.path.map(String), message: x.message })),
        },
      )
    }
    if (out.has(parsed.data.id)) {
      throw approvalsError('APPROVALS_INVALID_POLICY', `The policy "${parsed.data.id}" is declared twice`, {
        index: i,
        policyId: parsed.data.id,
      })
    }
    out.set(parsed.data.id, parsed.data)
  }
  return out
}

/**
 * Approvals for any entity: a policy's entry filter (core's filter language) picks the records, its steps name the
 * approvers (users, roles, managers up N levels, record fields, resolver functions) and how they decide
 * (`sequential`, `all`, `any`). A pending request locks its record (`APPROVALS_RECORD_LOCKED`), only a resolved
 * approver decides (`APPROVALS_NOT_APPROVER`), the submitter may recall, approvers may delegate, and timeouts run
 * through automation's clock. Every step is kept in an append-only log, and `approval.requested`,
 * `approval.approved`, `approval.rejected`, `approval.recalled`, `approval.delegated`, `approval.escalated` and
 * `approval.reminded` are emitted after commit.
 *
 * @example
 * ```ts
 * import { accessDirectory, approvalsPlugin } from '@rapport/approvals'
 *
 * const crm = createCrm({
 *   storage,
 *   plugins: [
 *     approvalsPlugin({
 *       directory: accessDirectory(accessPolicy),
 *       policies: [
 *         {
 *           id: 'big-deal',
 *           entity: 'deal',
 *           entryFilter: { field: 'amount.amountMinor', op: 'gte', value: 5_000_000 },
 *           steps: [{ name: 'manager', approvers: [{ managerOf: 'submitter' }] }],
 *         },
 *       ],
 *     }),
 *   ] as const,
 * })
 * const request = await crm.plugins.approvals.as('usr_ray').submit({ policyId: 'big-deal', recordId: deal.id })
 * await crm.plugins.approvals.as('usr_mia').approve(request.id, { comment: 'ok' })
 * ```
 */
export function approvalsPlugin(options: ApprovalsOptions): CrmPlugin<'approvals', ApprovalsApi> {
  const policies = parsePolicies(options.policies)
  const systemActor: Actor = options.actor ?? { id: 'approvals' }
  const clock = options.clock ?? (() => new Date())
  // The plugin context arrives with `init`/`api`; hooks (which run later) reach the engine through this runtime.
  let pluginContext: PluginContext | undefined
  const rt: ApprovalsRuntime = {
    policies,
    directory: options.directory ?? emptyDirectory,
    resolvers: new Map(Object.entries(options.resolvers ?? {})),
    systemActor,
    clock,
    onFinal: options.onFinal,
    services(tenantId, actor = systemActor) {
      if (!pluginContext) throw new Error('approvals: the plugin is not initialised')
      return pluginContext.scoped({ tenantId, actor })
    },
  }
  const hooks: Record<string, EntityHooks> = {
    approvalRequest: bookHooks('approvalRequest', systemActor, false),
    approvalTask: bookHooks('approvalTask', systemActor, false),
    approvalLog: bookHooks('approvalLog', systemActor, true),
  }
  const lockedEntities = new Set([...policies.values()].map((p) => p.entity))
  for (const entity of lockedEntities) {
    if (approvalEntities.some((e) => e.name === entity)) {
      const policy = [...policies.values()].find((p) => p.entity === entity)
      throw approvalsError(
        'APPROVALS_INVALID_POLICY',
        `The policy "${policy?.id}" cannot approve ${entity}`,
        {
          policyId: policy?.id,
        },
      )
    }
    const bound = [...policies.values()].filter((p) => p.entity === entity && p.recordStatus)
    hooks[entity] = lockHooks(entity, systemActor, bound, () => rt)
  }
  return definePlugin({
    id: 'approvals',
    schema: { entities: approvalEntities },
    hooks,
    beforeCommit: (events, ctx) => refuseLockedArchives(lockedEntities, events, ctx),
    errorCodes: Object.fromEntries(
      Object.keys(ApprovalsErrorCodes).map((code) => [code.replace(/^APPROVALS_/, ''), code]),
    ),
    async init(ctx) {
      pluginContext = ctx
      // Every policy's entity must exist and its filters must compile against it.
      for (const policy of policies.values()) {
        const filters = [
          ...(policy.entryFilter ? [{ path: 'entryFilter', filter: policy.entryFilter }] : []),
          ...policy.steps.flatMap((s, i) => (s.when ? [{ path: `steps.${i}.when`, filter: s.when }] : [])),
        ]
        try {
          const service = ctx.crm.entity(policy.entity)
          for (const { filter } of filters) await service.matcher(filter)
        } catch (error) {
          if (!isRapportError(error)) throw error
          throw new RapportError('APPROVALS_INVALID_POLICY', `The policy "${policy.id}": ${error.message}`, {
            details: { policyId: policy.id, cause: error.toJSON() },
          })
        }
      }
    },
    api(ctx) {
      pluginContext ??= ctx
      const tenantOf = (o?: ActingAs) => o?.tenantId ?? ctx.crm.tenantId
      return {
        policies: [...policies.values()],
        as(who, where) {
          const actor: Actor = typeof who === 'string' ? { id: who } : who
          const tenantId = tenantOf(where)
          return {
            submit: (input) => submitRequest(rt, tenantId, actor, input),
            approve: (id, o) => decide(rt, tenantId, actor, id, 'approved', o),
            reject: (id, o) => decide(rt, tenantId, actor, id, 'rejected', o),
            recall: (id, o) => recall(rt, tenantId, actor, id, o),
            delegate: (id, to, o) => delegate(rt, tenantId, actor, id, to, o),
            inbox: async () => {
              const out: ApprovalTask[] = []
              for await (const task of books(rt.services(tenantId)).tasks.iterate({
                where: {
                  and: [
                    { field: 'assignee', op: 'eq', value: actor.id },
                    { field: 'status', op: 'eq', value: 'pending' },
                  ],
                },
                orderBy: [{ field: 'openedAt', direction: 'asc' }],
              })) {
                out.push(task)
              }
              return out
            },
          }
        },
        async requestsOf(entity, recordId, where) {
          const page = await books(rt.services(tenantOf(where))).requests.list({
            where: {
              and: [
                { field: 'entity', op: 'eq', value: entity },
                { field: 'recordId', op: 'eq', value: recordId },
              ],
            },
            orderBy: [{ field: 'submittedAt', direction: 'desc' }],
            limit: 1000,
          })
          return page.items
        },
        async logOf(requestId, where) {
          const out: ApprovalLogEntry[] = []
          for await (const entry of books(rt.services(tenantOf(where))).log.iterate({
            where: { field: 'requestId', op: 'eq', value: requestId },
            orderBy: [{ field: 'seq', direction: 'asc' }],
          })) {
            out.push(entry)
          }
          return out
        },
        handleTimeout: (taskId, where) => handleTimeout(rt, tenantOf(where), taskId),
        unlock: (entity, recordId, where) =>
          unlockRecord(rt, tenantOf(where), entity, recordId, where?.comment),
      }
    },
  })
}
