import { durationSchema } from '@rapport/automation'
import type { Filter, FilterDuration } from '@rapport/core/filter'
import * as z from 'zod'

/**
 * Who approves, resolved when the request is submitted (the record is locked from then on, so it cannot change under
 * the resolution):
 * - `{ user }`: that user;
 * - `{ role }`: every user holding the role in the approvals directory (`accessDirectory(policy)` reads
 *   `@rapport/access`'s users and roles);
 * - `{ managerOf, levels }`: the submitter's (or the record owner's) manager, `levels` up (1 = direct manager);
 * - `{ field }`: the user id (or list of user ids) held by a field of the record, e.g. `ownerId` or `custom.reviewerId`;
 * - `{ resolver }`: a named resolver function given to the plugin (`approvalsPlugin({ resolvers })`).
 */
export type ApproverResolver =
  | { readonly user: string }
  | { readonly role: string }
  | { readonly managerOf: 'submitter' | 'owner'; readonly levels?: number }
  | { readonly field: string }
  | { readonly resolver: string }

/**
 * How a step's approvers decide:
 * - `sequential`: one after the other, in resolver order; the step is approved when the last one approves;
 * - `all`: in parallel; approved when every approver approves (countersign, 会签);
 * - `any`: in parallel; the first answer decides the step, approve or reject (或签; Salesforce "first response").
 *
 * In every mode a rejection rejects the step; the other open tasks are closed as `skipped`.
 */
export type StepMode = 'sequential' | 'all' | 'any'

/** What happens when an open task's time runs out (see `approvalTimeoutRules`). */
export interface StepTimeout {
  /** How long after the task opened. */
  readonly after: FilterDuration
  /**
   * `remind` logs a reminder and emits `approval.reminded`; `escalate` hands the task to the approver's manager
   * (the original approver is kept); `approve` / `reject` decide it on the approver's behalf.
   */
  readonly action: 'remind' | 'escalate' | 'approve' | 'reject'
  /**
   * With `escalate`: how far up the chain the task may climb, counted from its original approver (default 1, the
   * direct manager). Each time the escalated task's own time runs out it moves one manager up, skipping people who
   * already hold a task of the step (and the submitter when self-approval is refused); past `levels` it reminds.
   */
  readonly levels?: number
}

/**
 * Ties an approval to a status field of the record (a contract's `status`): submitting moves the field to `pending`,
 * the final approval to `approved`, a rejection to `rejected` and a recall to `recalled` (default: `rejected`), all
 * written by the plugin's system actor in the deciding transaction. A writer moving the field to `pending` opens the
 * request in their write's transaction (as if they had called `submit`), and only the plugin moves it to `approved`
 * (`APPROVALS_APPROVAL_REQUIRED`).
 */
export interface RecordStatusBinding {
  readonly field: string
  readonly pending: string
  readonly approved: string
  readonly rejected: string
  readonly recalled?: string
  /**
   * What the binding means for a record outside the policy's `entryFilter`: `refuse` (default) — it cannot be moved to
   * `pending` (`APPROVALS_ENTRY_NOT_MET`); `free` — it needs no approval, so moving it to `pending` opens no request
   * and anyone may move it on to `approved`. With `free`, the filter decides which records need the approval (a
   * quote whose discount is over a threshold) and the others take the same path unhindered.
   */
  readonly outsideEntry?: 'refuse' | 'free'
}

/** One step of a policy. */
export interface ApprovalStep {
  /** A name unique in the policy, e.g. `manager`. */
  readonly name: string
  readonly approvers: readonly ApproverResolver[]
  /** Default `sequential`. */
  readonly mode?: StepMode
  /** The step applies only to records matching this filter; otherwise it is skipped. */
  readonly when?: Filter
  /** A rejection rejects the request (`reject`, default) or sends it back to the previous step (`previousStep`). */
  readonly onReject?: 'reject' | 'previousStep'
  /** No approver resolved: refuse the submission (`error`, default) or skip the step (`skip`). */
  readonly onNoApprover?: 'error' | 'skip'
  /** Whether approvers may delegate their task (default `true`). */
  readonly allowDelegate?: boolean
  readonly timeout?: StepTimeout
}

/**
 * An approval policy: which records of which entity need approval (`entryFilter`, in core's filter language) and the
 * steps that approve them.
 *
 * @example
 * ```ts
 * const bigDiscounts: ApprovalPolicy = {
 *   id: 'quote-discount',
 *   entity: 'deal',
 *   entryFilter: { field: 'amount.amountMinor', op: 'gte', value: 10_000_00 },
 *   steps: [
 *     { name: 'manager', approvers: [{ managerOf: 'submitter' }] },
 *     { name: 'finance', approvers: [{ role: 'finance' }], mode: 'any', timeout: { after: { days: 2 }, action: 'escalate' } },
 *   ],
 * }
 * ```
 */
export interface ApprovalPolicy {
  /** A stable id: letters, digits and `_ . : -`. */
  readonly id: string
  /** The entity the policy approves, e.g. `deal` or a plugin entity such as `contract`. */
  readonly entity: string
  /** Records must match it to be submitted (default: every record). */
  readonly entryFilter?: Filter
  readonly steps: readonly ApprovalStep[]
  /** Who may recall a pending request: the submitter (default) or nobody (`none`). */
  readonly recall?: 'submitter' | 'none'
  /**
   * Whether the submitter may decide their own request (default `refuse`: they are left out of every step's
   * approvers, cannot be delegated or escalated to, and deciding is `APPROVALS_SELF_APPROVAL`).
   */
  readonly selfApproval?: 'refuse' | 'allow'
  /**
   * What happens to the record once approved: `unlock` (default) or `lock` it for good (Salesforce's final approval
   * record lock): edits and deletes stay `APPROVALS_RECORD_LOCKED` until `crm.plugins.approvals.unlock()`.
   */
  readonly afterApproval?: 'unlock' | 'lock'
  /** Moves a status field of the record with the request; see {@link RecordStatusBinding}. */
  readonly recordStatus?: RecordStatusBinding
}

const idSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'Use letters, digits and _ . : -')
const filterSchema = z.custom<Filter>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'Expected a filter object',
})
const resolverSchema = z.union([
  z.strictObject({ user: idSchema }),
  z.strictObject({ role: idSchema }),
  z.strictObject({ managerOf: z.enum(['submitter', 'owner']), levels: z.int().min(1).max(20).optional() }),
  z.strictObject({ field: z.string().min(1).max(200) }),
  z.strictObject({ resolver: idSchema }),
])

const stepSchema = z.strictObject({
  name: idSchema,
  approvers: z.array(resolverSchema).min(1).max(50),
  mode: z.enum(['sequential', 'all', 'any']).default('sequential'),
  when: filterSchema.optional(),
  onReject: z.enum(['reject', 'previousStep']).default('reject'),
  onNoApprover: z.enum(['error', 'skip']).default('error'),
  allowDelegate: z.boolean().default(true),
  timeout: z
    .strictObject({
      after: durationSchema,
      action: z.enum(['remind', 'escalate', 'approve', 'reject']),
      levels: z.int().min(1).max(20).optional(),
    })
    .optional(),
})

/** The zod schema of {@link ApprovalPolicy}; defaults applied. */
export const approvalPolicySchema = z
  .strictObject({
    id: idSchema,
    entity: idSchema,
    entryFilter: filterSchema.optional(),
    steps: z.array(stepSchema).min(1).max(20),
    recall: z.enum(['submitter', 'none']).default('submitter'),
    selfApproval: z.enum(['refuse', 'allow']).default('refuse'),
    afterApproval: z.enum(['unlock', 'lock']).default('unlock'),
    recordStatus: z
      .strictObject({
        field: z.string().min(1).max(200),
        pending: z.string().min(1).max(100),
        approved: z.string().min(1).max(100),
        rejected: z.string().min(1).max(100),
        recalled: z.string().min(1).max(100).optional(),
        outsideEntry: z.enum(['refuse', 'free']).default('refuse'),
      })
      .optional(),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>()
    for (const [i, step] of policy.steps.entries()) {
      if (seen.has(step.name)) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'name'], message: `Duplicate step "${step.name}"` })
      }
      seen.add(step.name)
    }
  })

/** A policy with its defaults applied, as the plugin runs it. */
export type ResolvedPolicy = z.output<typeof approvalPolicySchema>

/** A step with its defaults applied. */
export type ResolvedStep = ResolvedPolicy['steps'][number]
