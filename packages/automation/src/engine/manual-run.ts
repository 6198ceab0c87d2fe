import { RapportError } from '@rapport/core'
import type { CompiledRule } from '../rules/compile-rule.js'
import { checkWebhook } from '../webhooks/sign-webhook.js'
import type { EngineState } from './engine-state.js'
import type { EnrollSkip } from './enroll.js'
import { enroll } from './enroll.js'
import { ruleOf } from './rule-registry.js'

/** What a manual or webhook trigger returns: the run started, or why none was. */
export type TriggerOutcome = { runId: string } | { skipped: EnrollSkip | 'conditions' }

/**
 * Enrolls a record in a rule outside record events (manual runs, inbound webhooks), in one transaction. The
 * conditions must hold unless `force`; an `anchor` (e.g. the webhook id) makes redeliveries idempotent.
 */
export async function triggerRule(
  state: EngineState,
  rule: CompiledRule,
  recordId: string,
  trigger: string,
  anchor: string | undefined,
  force: boolean,
): Promise<TriggerOutcome> {
  const rt = state.rt
  const services = rt.servicesFor(state.root!.tenantId)
  return services.transaction(async (tx) => {
    const record = (await tx.entity(rule.rule.entity).get(recordId)) as Record<string, unknown>
    if (!force && rule.conditions && !rule.conditions.test({ record, before: null, now: rt.clock() })) {
      return { skipped: 'conditions' as const }
    }
    return enroll(rt, tx, {
      rule,
      record,
      trigger,
      ...(anchor ? { anchor } : {}),
      force: force || anchor === undefined,
    })
  })
}

/**
 * Delivers an inbound webhook to a `webhook` rule: verifies the signature when the rule names a secret (`FORBIDDEN`
 * otherwise) and uses the `webhook-id` header as the enrollment anchor.
 */
export async function receiveWebhook(
  state: EngineState,
  ruleId: string,
  request: {
    readonly recordId: string
    readonly body?: string
    readonly headers?: Readonly<Record<string, string | string[] | undefined>>
  },
): Promise<TriggerOutcome> {
  const rule = ruleOf(state, ruleId)
  const trigger = rule.rule.trigger
  if (trigger.type !== 'webhook') {
    throw new RapportError('AUTOMATION_INVALID_RULE', `Rule "${ruleId}" is not triggered by webhooks`, {
      details: { ruleId },
    })
  }
  const secret = trigger.secret === undefined ? undefined : state.rt.secrets.get(trigger.secret)
  if (secret !== undefined) {
    const check = checkWebhook({
      secret,
      body: request.body ?? '',
      headers: request.headers ?? {},
      now: state.rt.clock(),
    })
    if (!check.valid) {
      throw new RapportError('FORBIDDEN', check.message, { details: { ruleId, reason: check.reason } })
    }
  }
  const header = request.headers?.['webhook-id']
  const id = Array.isArray(header) ? header[0] : header
  return triggerRule(state, rule, request.recordId, 'webhook', id, false)
}
