import type { ValidationIssue } from '@rapport/core/errors'
import * as z from 'zod'
import type { AssignmentStrategy } from '../assignment/assignment-types.js'
import type { Action, Trigger } from './rule-types.js'

// The shape of a rule, as zod schemas: what compile-rule.ts validates before it checks fields, functions, secrets and
// templates against the CRM. Kept apart so the compiler reads as the checks it makes, not as 150 lines of shapes.

type Path = readonly (string | number)[]

const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/
/** A domain event type as core's `emit` accepts it: `<noun>.<verb>`. */
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9_]*$/
/**
 * A rule's duration (`FilterDuration`: years to minutes, whole and non-negative, not all zero), as every automation
 * trigger, delay and rate window takes it. Exported so plugins that hand durations to automation (approval timeouts)
 * check them with the same rule.
 *
 * @example
 * ```ts
 * durationSchema.parse({ days: 2 }) // { days: 2 }
 * durationSchema.safeParse({ days: 0 }).success // false
 * ```
 */
export const durationSchema = z
  .strictObject({
    years: z.int().min(0).max(100).optional(),
    months: z.int().min(0).max(1200).optional(),
    weeks: z.int().min(0).max(5200).optional(),
    days: z.int().min(0).max(36_500).optional(),
    hours: z.int().min(0).max(876_000).optional(),
    minutes: z.int().min(0).max(52_560_000).optional(),
  })
  .refine((d) => Object.values(d).some((v) => v !== undefined && v > 0), 'Expected a non-zero duration')

const text = z.string().min(1).max(10_000)
const userIds = z.array(z.string().min(1).max(100)).min(1).max(1000)
const tieBreak = z.strictObject({ seed: z.string().min(1).max(200) }).optional()

export const triggerSchemas: Record<Trigger['type'], z.ZodType> = {
  record: z.strictObject({
    type: z.literal('record'),
    events: z
      .array(z.enum(['created', 'updated', 'deleted']))
      .min(1)
      .max(3),
    watch: z.array(z.string().min(1).max(200)).max(100).optional(),
  }),
  schedule: z.strictObject({
    type: z.literal('schedule'),
    cron: z.string().min(1).max(200),
    timezone: z.string().min(1).max(100).optional(),
    where: z.unknown().optional(),
  }),
  relative: z.strictObject({
    type: z.literal('relative'),
    field: z.string().min(1).max(200),
    offset: durationSchema,
    direction: z.enum(['before', 'after']),
    where: z.unknown().optional(),
  }),
  inactivity: z.strictObject({
    type: z.literal('inactivity'),
    anchor: z.enum(['lastActivityAt', 'stageEnteredAt']),
    duration: durationSchema,
  }),
  manual: z.strictObject({ type: z.literal('manual') }),
  webhook: z.strictObject({ type: z.literal('webhook'), secret: z.string().min(1).max(100).optional() }),
  event: z.strictObject({
    type: z.literal('event'),
    event: z.string().regex(EVENT_TYPE, 'Expected an event type like `order.placed`'),
    recordIdFrom: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'Expected a top-level payload key')
      .optional(),
  }),
}

export const strategySchemas: Record<AssignmentStrategy['kind'], z.ZodType> = {
  roundRobin: z.strictObject({
    kind: z.literal('roundRobin'),
    users: userIds,
    cursor: z.string().min(1).max(200).optional(),
    tieBreak,
  }),
  leastBusy: z.strictObject({
    kind: z.literal('leastBusy'),
    users: userIds,
    countEntity: z.string().min(1).max(100).optional(),
    openWhere: z.unknown().optional(),
    ownerField: z.string().min(1).max(200).optional(),
    tieBreak,
  }),
  weighted: z.strictObject({
    kind: z.literal('weighted'),
    users: z
      .array(
        z.strictObject({
          id: z.string().min(1).max(100),
          capacity: z.number().positive().max(1_000_000),
          dailyQuota: z.int().min(0).max(1_000_000).optional(),
        }),
      )
      .min(1)
      .max(1000),
    tieBreak,
  }),
  queue: z.strictObject({ kind: z.literal('queue'), queueId: z.string().regex(/^que_[A-Za-z0-9]{1,96}$/) }),
  territory: z.strictObject({
    kind: z.literal('territory'),
    territories: z
      .array(z.strictObject({ name: z.string().min(1).max(200), when: z.unknown(), users: userIds }))
      .min(1)
      .max(500),
    fallback: userIds.optional(),
    tieBreak,
  }),
}

export const actionSchemas: Record<Action['type'], z.ZodType> = {
  createTask: z.strictObject({
    type: z.literal('createTask'),
    title: text,
    description: text.optional(),
    dueIn: durationSchema.optional(),
    priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
    assignTo: z.string().min(1).max(100).optional(),
  }),
  createActivity: z.strictObject({
    type: z.literal('createActivity'),
    activityType: z.enum(['call', 'email', 'meeting', 'note', 'visit']),
    subject: text,
    body: text.optional(),
  }),
  updateFields: z.strictObject({
    type: z.literal('updateFields'),
    set: z
      .record(z.string(), z.unknown())
      .refine((r) => Object.keys(r).length > 0, 'Expected at least one field'),
  }),
  addTag: z.strictObject({ type: z.literal('addTag'), tag: z.string().min(1).max(100) }),
  removeTag: z.strictObject({ type: z.literal('removeTag'), tag: z.string().min(1).max(100) }),
  moveStage: z.strictObject({
    type: z.literal('moveStage'),
    stageId: z.string().min(1).max(100),
    reason: z.string().max(500).optional(),
  }),
  assignOwner: z.strictObject({
    type: z.literal('assignOwner'),
    strategy: z.unknown(),
    field: z.string().min(1).max(200).optional(),
  }),
  webhook: z.strictObject({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().min(1).max(100),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/), z.string().max(2000)).optional(),
    allowPrivateNetwork: z.boolean().optional(),
  }),
  emitEvent: z.strictObject({
    type: z.literal('emitEvent'),
    event: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9_]*)+$/, 'Expected an event name like `lead.qualified`'),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  callFunction: z.strictObject({
    type: z.literal('callFunction'),
    name: z.string().min(1).max(100),
    args: z.unknown().optional(),
  }),
  delay: z.strictObject({ type: z.literal('delay'), duration: durationSchema }),
  branch: z.strictObject({
    type: z.literal('branch'),
    if: z.unknown(),
    do: z.array(z.unknown()).max(100),
    else: z.array(z.unknown()).max(100).optional(),
  }),
}

export const optionsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  entry: z.enum(['level', 'edge']).optional(),
  reEnroll: z.boolean().optional(),
  goal: z.unknown().optional(),
  unenrollWhen: z.unknown().optional(),
  maxRunsPerRecord: z
    .strictObject({ count: z.int().min(1).max(1_000_000), window: durationSchema })
    .optional(),
  triggerOnAutomationWrites: z.boolean().optional(),
})

export const envelopeSchema = z.strictObject({
  id: z.string().regex(RULE_ID, 'Expected lowercase letters, digits, "-", "_" or "." (at most 100)'),
  name: z.string().min(1).max(300),
  version: z.int().min(1).optional(),
  entity: z.string().min(1).max(100),
  trigger: z.unknown(),
  conditions: z.unknown().optional(),
  actions: z.array(z.unknown()).min(1, 'A rule needs at least one action').max(100),
  options: z.unknown().optional(),
})

export function zodIssues(error: z.ZodError, prefix: Path): ValidationIssue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: i.message,
    code: i.code,
  }))
}
