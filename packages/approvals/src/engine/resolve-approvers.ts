import type { CrmServices } from '@rapport/core'
import { approvalsError } from '../approvals-error.js'
import type { ApproverResolver, ResolvedPolicy } from '../policy/approval-policy.js'
import type { ApprovalsRuntime } from './approvals-runtime.js'

/** The value at a dotted path of a record (`custom.reviewerId`). */
function valueAt(record: Readonly<Record<string, unknown>>, path: string): unknown {
  let at: unknown = record
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined
    at = (at as Record<string, unknown>)[key]
  }
  return at
}

const userIds = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v.length > 0)

async function resolveOne(
  rt: ApprovalsRuntime,
  tx: CrmServices,
  resolver: ApproverResolver,
  args: {
    record: Readonly<Record<string, unknown>>
    policy: ResolvedPolicy
    stepName: string
    submittedBy: string
  },
): Promise<string[]> {
  const tenantId = tx.tenantId
  if ('user' in resolver) return [resolver.user]
  if ('role' in resolver) return [...(await rt.directory.usersWithRole(resolver.role, tenantId))]
  if ('field' in resolver) return userIds(valueAt(args.record, resolver.field))
  if ('managerOf' in resolver) {
    let at: string | undefined =
      resolver.managerOf === 'submitter' ? args.submittedBy : userIds(args.record['ownerId'])[0]
    for (let i = 0; i < (resolver.levels ?? 1) && at !== undefined; i++) {
      at = await rt.directory.managerOf(at, tenantId)
    }
    return at === undefined ? [] : [at]
  }
  const fn = rt.resolvers.get(resolver.resolver)
  if (!fn) {
    throw approvalsError('APPROVALS_INVALID_POLICY', `No resolver function "${resolver.resolver}"`, {
      policyId: args.policy.id,
      resolver: resolver.resolver,
    })
  }
  return userIds(
    await fn({
      record: args.record,
      policyId: args.policy.id,
      stepName: args.stepName,
      submittedBy: args.submittedBy,
      tenantId,
      crm: tx,
    }),
  )
}

/**
 * Each step's approvers for a record, in resolver order without repeats (and without the submitter unless the policy
 * allows self-approval): `null` for a step whose `when` filter the record does not match, or which found nobody and
 * says `onNoApprover: 'skip'`.
 *
 * @throws `APPROVALS_NO_APPROVER` when a step finds nobody and says `onNoApprover: 'error'`.
 */
export async function resolvePlan(
  rt: ApprovalsRuntime,
  tx: CrmServices,
  policy: ResolvedPolicy,
  record: Readonly<Record<string, unknown>>,
  submittedBy: string,
): Promise<(string[] | null)[]> {
  const service = tx.entity(policy.entity)
  const plan: (string[] | null)[] = []
  for (const step of policy.steps) {
    if (step.when && !(await service.matcher(step.when))(record)) {
      plan.push(null)
      continue
    }
    const people: string[] = []
    for (const resolver of step.approvers) {
      for (const user of await resolveOne(rt, tx, resolver, {
        record,
        policy,
        stepName: step.name,
        submittedBy,
      })) {
        // Under `selfApproval: 'refuse'` the submitter is never one of their own approvers.
        if (policy.selfApproval === 'refuse' && user === submittedBy) continue
        if (!people.includes(user)) people.push(user)
      }
    }
    if (people.length === 0 && step.onNoApprover === 'error') {
      throw approvalsError(
        'APPROVALS_NO_APPROVER',
        `The step "${step.name}" of "${policy.id}" found no approver`,
        {
          policyId: policy.id,
          step: step.name,
        },
      )
    }
    plan.push(people.length === 0 ? null : people)
  }
  return plan
}
