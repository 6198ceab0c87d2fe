import type { CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import { chooseAssignee } from '../assignment/assign-owner.js'
import { compileCondition } from '../conditions/compile-condition.js'
import type { CompiledCondition } from '../conditions/condition-types.js'
import { shiftDate } from '../conditions/shift-date.js'
import type { CompiledRule } from '../rules/compile-rule.js'
import type { Action } from '../rules/rule-types.js'
import { sendWebhook } from '../webhooks/send-webhook.js'
import type { EngineRuntime, RunRow } from './engine-runtime.js'
import { dispatchCustomEvent } from './event-triggers.js'
import { renderTemplate, renderTemplates } from './render-template.js'

// What one action of a run does: database actions inside the step's transaction, external ones (webhooks, host
// functions, events) outside it. run-steps.ts walks the program and keeps the run's bookkeeping.

/** The deal service's `moveStage`, when the pipelines feature provides it. */
type MoveStage = (
  id: string,
  stageId: string,
  options: { expectedVersion?: number; reason?: string },
) => Promise<unknown>

/**
 * Moves a deal to a stage: through `crm.deals.moveStage` (the pipeline machine, with its guards) when core provides
 * it, else as a version-guarded update of `stageId`.
 */
export async function moveDealStage(
  tx: CrmServices,
  deal: Readonly<Record<string, unknown>>,
  stageId: string,
  reason: string | undefined,
): Promise<'moveStage' | 'update'> {
  const move = (tx.deals as unknown as { moveStage?: MoveStage }).moveStage // absent on cores before pipelines
  const expectedVersion = deal['version'] as number
  if (typeof move === 'function') {
    await move.call(tx.deals, deal['id'] as string, stageId, {
      expectedVersion,
      ...(reason ? { reason } : {}),
    })
    return 'moveStage'
  }
  await tx.deals.update(deal['id'] as string, { stageId }, { expectedVersion })
  return 'update'
}

const territoryCache = new WeakMap<CompiledRule, Map<string, CompiledCondition[]>>()

function territoriesOf(
  rt: EngineRuntime,
  rule: CompiledRule,
  path: string,
  action: Action,
): CompiledCondition[] {
  if (action.type !== 'assignOwner' || action.strategy.kind !== 'territory') return []
  let byPath = territoryCache.get(rule)
  if (!byPath) territoryCache.set(rule, (byPath = new Map()))
  let compiled = byPath.get(path)
  if (!compiled) {
    const catalog = rt.catalogOf(rule.rule.entity)
    compiled = action.strategy.territories.map((t) => {
      const result = compileCondition(t.when, catalog!, ['when'])
      if (!result.ok) throw new RapportError('AUTOMATION_INVALID_RULE', 'Invalid territory condition')
      return result.condition
    })
    byPath.set(path, compiled)
  }
  return compiled
}

/** The task a `createTask` action creates for the run's record, as of `now`. */
export function taskInput(
  action: Extract<Action, { type: 'createTask' }>,
  entity: string,
  recordId: string,
  record: Readonly<Record<string, unknown>>,
  now: Date,
): Parameters<CrmServices['tasks']['create']>[0] {
  const assignee = action.assignTo === 'owner' ? (record['ownerId'] ?? null) : (action.assignTo ?? null)
  return {
    title: renderTemplate(action.title, record),
    ...(action.description ? { description: renderTemplate(action.description, record) } : {}),
    ...(action.dueIn ? { dueAt: shiftDate(now, action.dueIn, 1) } : {}),
    ...(action.priority ? { priority: action.priority } : {}),
    assigneeId: assignee as string | null,
    targets: [{ type: entity, id: recordId }],
  }
}

/** The database effect of an action, inside the step's transaction. Returns the step's output. */
export async function applyDbAction(
  rt: EngineRuntime,
  tx: CrmServices,
  rule: CompiledRule,
  run: RunRow,
  action: Action,
  path: string,
  record: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const now = rt.clock()
  const entity = rule.rule.entity
  const recordId = run.recordId
  switch (action.type) {
    case 'createTask': {
      const task = await tx.tasks.create(taskInput(action, entity, recordId, record, now))
      return { taskId: task.id }
    }
    case 'createActivity': {
      const activity = await tx.activities.create({
        type: action.activityType,
        subject: renderTemplate(action.subject, record),
        ...(action.body ? { body: renderTemplate(action.body, record) } : {}),
        occurredAt: now,
        targets: [{ type: entity, id: recordId }],
      })
      return { activityId: activity.id }
    }
    case 'updateFields': {
      // `custom.<key>` paths (validated at registration) become one `custom` patch, which core merges key by key.
      const patch: Record<string, unknown> = {}
      const custom: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(action.set)) {
        const rendered = typeof v === 'string' ? renderTemplate(v, record) : v
        if (k.startsWith('custom.')) custom[k.slice('custom.'.length)] = rendered
        else patch[k] = rendered
      }
      if (Object.keys(custom).length > 0) {
        patch['custom'] = { ...((patch['custom'] as Record<string, unknown> | undefined) ?? {}), ...custom }
      }
      await tx.entity(entity).update(recordId, patch)
      return { fields: Object.keys(action.set) }
    }
    case 'addTag':
    case 'removeTag': {
      const tags = ((record['tags'] as string[] | null) ?? []).filter((t) => t !== action.tag)
      if (action.type === 'addTag') tags.push(action.tag)
      await tx.entity(entity).update(recordId, { tags })
      return { tag: action.tag }
    }
    case 'moveStage': {
      const via = await moveDealStage(tx, record, action.stageId, action.reason)
      return { stageId: action.stageId, via }
    }
    case 'assignOwner': {
      const field = action.field ?? 'ownerId'
      const userId = await chooseAssignee({
        services: tx,
        strategy: action.strategy,
        strategyKey: `${rule.rule.id}:${path}`,
        entity,
        record,
        now,
        timeZone: rt.timeZone,
        territories: territoriesOf(rt, rule, path, action),
      })
      await tx.entity(entity).update(recordId, { [field]: userId })
      return { userId, field }
    }
    default:
      throw new RapportError('AUTOMATION_INVALID_RULE', `Action ${action.type} has no database effect`)
  }
}

export const EXTERNAL = new Set(['webhook', 'callFunction', 'emitEvent'])

export async function applyExternalAction(
  rt: EngineRuntime,
  services: CrmServices,
  rule: CompiledRule,
  run: RunRow,
  action: Action,
  key: string,
  record: Readonly<Record<string, unknown>>,
): Promise<{ output: Record<string, unknown>; afterCommit?: () => void }> {
  switch (action.type) {
    case 'webhook': {
      const secret = rt.secrets.get(action.secret)
      if (secret === undefined)
        throw new RapportError('AUTOMATION_INVALID_CONFIG', `Unknown secret "${action.secret}"`)
      const delivery = await sendWebhook({
        url: action.url,
        secret,
        idempotencyKey: key,
        now: rt.clock(),
        timeoutMs: rt.webhookTimeoutMs,
        ...(action.headers ? { headers: action.headers } : {}),
        ...(action.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
        body: {
          type: `automation.${rule.rule.id}`,
          ruleId: rule.rule.id,
          runId: run.id,
          entity: rule.rule.entity,
          record,
        },
      })
      return { output: { status: delivery.status } }
    }
    case 'callFunction': {
      const fn = rt.functions.get(action.name)
      if (!fn) throw new RapportError('AUTOMATION_UNKNOWN_FUNCTION', `No host function "${action.name}"`)
      const result = await fn({
        record,
        args: action.args,
        ruleId: rule.rule.id,
        runId: run.id,
        tenantId: services.tenantId,
        idempotencyKey: key,
        crm: services,
      })
      return { output: result === undefined ? {} : { result: JSON.parse(JSON.stringify(result)) } }
    }
    case 'emitEvent': {
      const payload = {
        ...(renderTemplates(action.data ?? {}, record) as Record<string, unknown>),
        ruleId: rule.rule.id,
        runId: run.id,
        entity: rule.rule.entity,
        recordId: run.recordId,
        tenantId: services.tenantId,
        idempotencyKey: key,
      }
      // Rules triggered by this event enroll first, in their own transaction: a redelivered step carries the same
      // idempotency key, which anchors the enrollment, so it is not enrolled twice.
      const started = await services.transaction((tx) => dispatchCustomEvent(rt, tx, action.event, payload))
      return {
        output: { event: action.event, ...(started > 0 ? { enrolled: started } : {}) },
        afterCommit: () => rt.events.emit(action.event, payload),
      }
    }
    default:
      throw new RapportError('AUTOMATION_INVALID_RULE', `Action ${action.type} is not external`)
  }
}
