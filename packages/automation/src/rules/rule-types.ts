import type { Filter, FilterDuration } from '@rapport/core/filter'
import type { AssignmentStrategy } from '../assignment/assignment-types.js'
import type { Condition } from '../conditions/condition-types.js'

/** The record events a rule can listen to. */
export type RecordEventKind = 'created' | 'updated' | 'deleted'

/**
 * What starts a rule:
 * - `record`: a record of the rule's entity was created, updated or deleted; with `watch`, updates only count when
 *   one of those fields changed;
 * - `schedule`: a cron expression (5 or 6 fields) in an IANA time zone; each slot runs the rule over the records
 *   matching `where` (core filter language, `exists` allowed) and the rule's conditions;
 * - `relative`: N days before or after a date field (3 days before `custom.contractEnd`); with `where` (core filter
 *   language, `exists` allowed) only records matching it when the sweep reaches them fire, e.g. installments whose
 *   contract is still in force;
 * - `inactivity`: no activity linked to the record for a duration (`lastActivityAt`), or in the same pipeline stage
 *   longer than a duration (`stageEnteredAt`, deals only);
 * - `manual`: only `engine.run(ruleId, recordId)`;
 * - `webhook`: an inbound webhook delivered with `engine.receiveWebhook()`;
 * - `event`: a custom domain event (`order.placed`, `kpi.computed`) queued in a unit of work by a plugin or host
 *   (`tx.emit`), by `engine.emit()`, or by another rule's `emitEvent` action. The payload names the record of the
 *   rule's entity (`recordId`, or the `recordIdFrom` key) and the rule's conditions read the payload as `body.*`
 *   (`{ field: 'body.price', op: 'gte', value: 100 }`) with core's filter semantics. Enrollment happens in the
 *   emitting transaction. A payload `idempotencyKey` anchors the enrollment, so each distinct event fires once per
 *   record (redeliveries are ignored); without one, the rule's re-enrollment policy applies.
 *
 * Time triggers (`schedule`, `relative`, `inactivity`) are evaluated by the indexed sweep, and every firing is recorded
 * under the unique key (rule, record, anchor), so a firing happens once per anchor and again when the anchor moves
 * (a deal re-entering a stage).
 */
export type Trigger =
  | {
      readonly type: 'record'
      readonly events: readonly RecordEventKind[]
      readonly watch?: readonly string[]
    }
  | { readonly type: 'schedule'; readonly cron: string; readonly timezone?: string; readonly where?: Filter }
  | {
      readonly type: 'relative'
      readonly field: string
      readonly offset: FilterDuration
      readonly direction: 'before' | 'after'
      /**
       * Only records matching this filter (core's filter language, `exists` over relations allowed) fire, checked in
       * the sweep's query when the time comes: a related record's state at firing time decides, not at creation.
       */
      readonly where?: Filter
    }
  | {
      readonly type: 'inactivity'
      readonly anchor: 'lastActivityAt' | 'stageEnteredAt'
      readonly duration: FilterDuration
    }
  | { readonly type: 'manual' }
  | {
      readonly type: 'webhook'
      /** The name of a secret in the plugin's `secrets`: deliveries must be signed with it (`verifyWebhook`). */
      readonly secret?: string
    }
  | {
      readonly type: 'event'
      /** The event type, `<noun>.<verb>` (not a record lifecycle event such as `deal.created`: use `record`). */
      readonly event: string
      /** The payload key holding the id of the rule's record (default `recordId`). */
      readonly recordIdFrom?: string
    }

/**
 * What a rule does, in order. Text fields accept `{{record.path}}` placeholders (e.g. `Follow up {{record.name}}`).
 * Database effects of a step commit in one transaction together with the step's idempotency key, so each happens
 * exactly once even when the job is delivered twice.
 */
export type Action =
  | {
      readonly type: 'createTask'
      readonly title: string
      readonly description?: string
      /** Due this long after the step runs. */
      readonly dueIn?: FilterDuration
      readonly priority?: 'low' | 'normal' | 'high' | 'urgent'
      /** `owner` assigns the record's `ownerId`; a string is a user id. */
      readonly assignTo?: string
    }
  | {
      readonly type: 'createActivity'
      readonly activityType: 'call' | 'email' | 'meeting' | 'note' | 'visit'
      readonly subject: string
      readonly body?: string
    }
  | { readonly type: 'updateFields'; readonly set: Readonly<Record<string, unknown>> }
  | { readonly type: 'addTag'; readonly tag: string }
  | { readonly type: 'removeTag'; readonly tag: string }
  | { readonly type: 'moveStage'; readonly stageId: string; readonly reason?: string }
  | {
      readonly type: 'assignOwner'
      readonly strategy: AssignmentStrategy
      /** The field that receives the user id (default `ownerId`). */
      readonly field?: string
    }
  | {
      readonly type: 'webhook'
      /** An `http:` or `https:` URL. */
      readonly url: string
      /** The name of a secret in the plugin's `secrets` option (secrets never live in rules). */
      readonly secret: string
      /** Extra headers. */
      readonly headers?: Readonly<Record<string, string>>
      /** Lets this webhook reach private and loopback addresses (off by default: SSRF guard). */
      readonly allowPrivateNetwork?: boolean
    }
  | { readonly type: 'emitEvent'; readonly event: string; readonly data?: Readonly<Record<string, unknown>> }
  | { readonly type: 'callFunction'; readonly name: string; readonly args?: unknown }
  | { readonly type: 'delay'; readonly duration: FilterDuration }
  | {
      readonly type: 'branch'
      readonly if: Condition
      readonly do: readonly Action[]
      readonly else?: readonly Action[]
    }

/** The options of a rule. */
export interface RuleOptions {
  /** Disabled rules never enroll (default `true`). */
  readonly enabled?: boolean
  /**
   * `level` (default): fire whenever the trigger happens and the conditions hold. `edge`: fire only when the record
   * changes *to* match: the conditions were false before the change and are true after it.
   */
  readonly entry?: 'level' | 'edge'
  /**
   * Re-enrollment (HubSpot semantics; default `false`): a record enrolls in a rule once. When `true`, it may enroll
   * again after its previous run finished, never while still enrolled. Time triggers enroll once per anchor either
   * way.
   */
  readonly reEnroll?: boolean
  /** Checked before every step: when it holds, the run ends as `goal` (converted). */
  readonly goal?: Condition
  /** Checked before every step: when it holds, the run ends as `unenrolled`. */
  readonly unenrollWhen?: Condition
  /** Loop guard: at most `count` runs of this rule per record per `window`. */
  readonly maxRunsPerRecord?: { readonly count: number; readonly window: FilterDuration }
  /** Whether writes made by automation may trigger this rule (default `true`, bounded by the depth guard). */
  readonly triggerOnAutomationWrites?: boolean
}

/**
 * An automation rule: when `trigger` happens and `conditions` hold, run `actions`.
 *
 * @example
 * ```ts
 * const bigDealAlert: AutomationRule = {
 *   id: 'big-deal-alert',
 *   name: 'Alert the owner about big deals',
 *   entity: 'deal',
 *   trigger: { type: 'record', events: ['created', 'updated'], watch: ['amount'] },
 *   conditions: { field: 'amount.amountMinor', op: 'gte', value: 10_000_000 },
 *   actions: [{ type: 'createTask', title: 'Review {{record.name}}', assignTo: 'owner', dueIn: { days: 1 } }],
 *   options: { entry: 'edge' },
 * }
 * ```
 */
export interface AutomationRule {
  /** A stable id: lowercase letters, digits, `-`, `_` and `.`. */
  readonly id: string
  /** A human-readable name. */
  readonly name: string
  /** Bump it when the rule changes; runs record the version they started on (default 1). */
  readonly version?: number
  /** The entity the rule watches, e.g. `deal`, `contact`, or a plugin entity. */
  readonly entity: string
  readonly trigger: Trigger
  readonly conditions?: Condition
  readonly actions: readonly Action[]
  readonly options?: RuleOptions
}
