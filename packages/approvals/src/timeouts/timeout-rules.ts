import type { AutomationRule, HostFunction } from '@rapport/automation'
import type { ApprovalsApi } from '../plugin/approvals-plugin.js'
import type { ApprovalPolicy } from '../policy/approval-policy.js'
import { approvalPolicySchema } from '../policy/approval-policy.js'

/** The host function name the timeout rules call. */
export const APPROVAL_TIMEOUT_FUNCTION = 'approvals.timeout'

const ruleIdPart = (text: string) => text.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')

/**
 * The automation rules that run approval timeouts on automation's clock: one rule per step with a `timeout`, a
 * `relative` trigger `after` the task's `openedAt` by the step's duration, which calls
 * {@link APPROVAL_TIMEOUT_FUNCTION} for each task still pending. Automation's sweep fires each task once (its
 * anchor is the task's own `openedAt`), so an escalated task, a new task, gets its own timeout.
 *
 * @example
 * ```ts
 * const self = (): { plugins: { approvals: ApprovalsApi } } => crm
 * const crm = createCrm({
 *   storage,
 *   plugins: [
 *     approvalsPlugin({ policies, directory }),
 *     automationPlugin({ queue, rules: approvalTimeoutRules(policies), functions: approvalTimeoutFunctions(self) }),
 *   ] as const,
 * })
 * setInterval(() => crm.plugins.automation.sweep(), 60_000)
 * ```
 */
export function approvalTimeoutRules(policies: readonly ApprovalPolicy[]): AutomationRule[] {
  const rules: AutomationRule[] = []
  for (const [p, input] of policies.entries()) {
    const policy = approvalPolicySchema.parse(input)
    for (const [s, step] of policy.steps.entries()) {
      if (!step.timeout) continue
      rules.push({
        id: `approvals-timeout.${p}.${s}.${ruleIdPart(policy.id)}.${ruleIdPart(step.name)}`.slice(0, 100),
        name: `Approval timeout: ${policy.id} / ${step.name} (${step.timeout.action})`,
        entity: 'approvalTask',
        trigger: { type: 'relative', field: 'openedAt', offset: step.timeout.after, direction: 'after' },
        conditions: {
          and: [
            { field: 'policyId', op: 'eq', value: policy.id },
            { field: 'stepIndex', op: 'eq', value: s },
            { field: 'status', op: 'eq', value: 'pending' },
          ],
        },
        actions: [{ type: 'callFunction', name: APPROVAL_TIMEOUT_FUNCTION }],
      })
    }
  }
  return rules
}

/**
 * The host functions the timeout rules call, for `automationPlugin({ functions })`. `crm` is a thunk because the CRM
 * that holds the approvals plugin is created with them; annotate its return type, as in the example of
 * {@link approvalTimeoutRules}, so TypeScript does not infer the CRM's type from itself.
 */
export function approvalTimeoutFunctions(
  crm: () => { readonly plugins: { readonly approvals: ApprovalsApi } },
): Record<string, HostFunction> {
  return {
    [APPROVAL_TIMEOUT_FUNCTION]: async ({ record, tenantId }) => ({
      outcome: await crm().plugins.approvals.handleTimeout(String(record['id']), { tenantId }),
    }),
  }
}
