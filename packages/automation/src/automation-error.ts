import { RapportError } from '@rapport/core'
import type { ValidationIssue } from '@rapport/core/errors'

/**
 * The error codes of `@rapport/automation`. Each is a plugin code (`AUTOMATION_*`), also listed in
 * `crm.errorCodes` once the plugin is registered.
 */
export const AutomationErrorCodes = {
  /** A rule (trigger, conditions, actions or options) is malformed; `details.issues` points at each bad part. */
  AUTOMATION_INVALID_RULE: 'AUTOMATION_INVALID_RULE',
  /** A rule with this id is already registered. */
  AUTOMATION_DUPLICATE_RULE: 'AUTOMATION_DUPLICATE_RULE',
  /** No rule with this id is registered. */
  AUTOMATION_UNKNOWN_RULE: 'AUTOMATION_UNKNOWN_RULE',
  /** The automation configuration (queue, functions, secrets, limits) is invalid. */
  AUTOMATION_INVALID_CONFIG: 'AUTOMATION_INVALID_CONFIG',
  /** An outbound webhook was refused by the SSRF guard (private, loopback or link-local address). */
  AUTOMATION_WEBHOOK_BLOCKED: 'AUTOMATION_WEBHOOK_BLOCKED',
  /** An outbound webhook failed (network error or non-2xx status); it is retried with backoff. */
  AUTOMATION_WEBHOOK_FAILED: 'AUTOMATION_WEBHOOK_FAILED',
  /** A host function named by a `callFunction` action is not registered. */
  AUTOMATION_UNKNOWN_FUNCTION: 'AUTOMATION_UNKNOWN_FUNCTION',
  /** An assignment strategy found no eligible user (all at capacity or quota, or no territory matched). */
  AUTOMATION_NO_ASSIGNEE: 'AUTOMATION_NO_ASSIGNEE',
  /** A public-pool claim was refused by the pool's claim policy; `details.reason` says which limit. */
  AUTOMATION_CLAIM_REFUSED: 'AUTOMATION_CLAIM_REFUSED',
} as const

/** One of the automation error codes. */
export type AutomationErrorCode = keyof typeof AutomationErrorCodes

/** Builds the `AUTOMATION_INVALID_RULE` error for a list of issues. */
export function invalidRule(ruleId: string | undefined, issues: readonly ValidationIssue[]): RapportError {
  const first = issues[0]
  const where = first ? first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') : ''
  return new RapportError(
    'AUTOMATION_INVALID_RULE',
    `Invalid automation rule${ruleId ? ` "${ruleId}"` : ''}: ${where.replace(/^\./, '')}: ${first?.message ?? 'invalid'}`,
    { details: { ...(ruleId ? { ruleId } : {}), issues } },
  )
}
