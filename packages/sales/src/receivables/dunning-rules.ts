import type { AutomationRule } from '@rapport/automation'
import { RapportError } from '@rapport/core'
import type { ContractStatus } from '../contracts/contract-lifecycle.js'
import { CONTRACT_STATUSES, DUNNING_CONTRACT_STATUSES } from '../contracts/contract-lifecycle.js'

/** Options of {@link dunningRules}. */
export interface DunningOptions {
  /** Days around the due date: negative before it, 0 on it, positive after it (default −3, 0, +7, +14, +30). */
  readonly offsets?: readonly number[]
  /** The event each step emits on `engine.events` (default `installment.dunning`), with `{ step, offset }` data. */
  readonly event?: string
  /** Rule id prefix (default `sales.dunning`). */
  readonly idPrefix?: string
  /**
   * The contract statuses whose installments are dunned (default {@link DUNNING_CONTRACT_STATUSES}: approved,
   * active, expiring, expired, renewed). Checked when each step comes due, so a contract voided or terminated in the
   * meantime gets no further reminder.
   */
  readonly contractStatuses?: readonly ContractStatus[]
}

/** The default dunning schedule: a reminder 3 days before, on the due date, then 7, 14 and 30 days after. */
export const DEFAULT_DUNNING_OFFSETS: readonly number[] = [-3, 0, 7, 14, 30]

/**
 * Automation rules for a dunning schedule: one relative-time rule per offset on each installment's `dueDate`, which
 * fires only while the installment still owes something (`outstandingMinor > 0`), so the schedule stops once it is
 * fully paid, and only while its contract is in one of `contractStatuses`: the trigger's `where` reads the contract
 * through core's `exists` filter in the sweep's query when the step comes due, so voiding or terminating a contract
 * stops its reminders with no job to cancel. Each firing is recorded by the engine under (rule, installment, due date): a step never repeats, and a
 * moved due date starts the schedule again. Register them with `engine.register()` of `@rapport/automation`.
 *
 * @example
 * ```ts
 * for (const rule of dunningRules()) crm.plugins.automation.register(rule)
 * crm.plugins.automation.events.on('installment.dunning', (e) => sendReminder(e))
 * ```
 */
export function dunningRules(options: DunningOptions = {}): AutomationRule[] {
  const offsets = options.offsets ?? DEFAULT_DUNNING_OFFSETS
  if (
    offsets.some((o) => !Number.isInteger(o) || Math.abs(o) > 3650) ||
    new Set(offsets).size !== offsets.length
  ) {
    throw new RapportError('VALIDATION_FAILED', 'Dunning offsets must be distinct whole days within ±3650', {
      details: { issues: [{ path: ['offsets'], message: 'invalid offsets', code: 'invalid_value' }] },
    })
  }
  const statuses = options.contractStatuses ?? DUNNING_CONTRACT_STATUSES
  if (statuses.length === 0 || statuses.some((s) => !CONTRACT_STATUSES.includes(s))) {
    throw new RapportError('VALIDATION_FAILED', 'Dunning contract statuses must be known contract statuses', {
      details: {
        issues: [{ path: ['contractStatuses'], message: 'invalid contract statuses', code: 'invalid_value' }],
      },
    })
  }
  const prefix = options.idPrefix ?? 'sales.dunning'
  const event = options.event ?? 'installment.dunning'
  return [...offsets]
    .sort((a, b) => a - b)
    .map((offset, step) => ({
      id: `${prefix}.${offset < 0 ? `m${-offset}` : `p${offset}`}`,
      name: `Dunning step ${step + 1}: ${offset === 0 ? 'on the due date' : `${Math.abs(offset)} days ${offset < 0 ? 'before' : 'after'} the due date`}`,
      entity: 'installment',
      trigger: {
        type: 'relative',
        field: 'dueDate',
        // The engine needs a non-zero offset: "on the due date" fires one minute into it.
        offset: offset === 0 ? { minutes: 1 } : { days: Math.abs(offset) },
        direction: offset < 0 ? 'before' : 'after',
        where: { exists: 'contract', where: { field: 'status', op: 'in', value: [...statuses] } },
      },
      conditions: { field: 'outstandingMinor', op: 'gt', value: 0 },
      actions: [
        {
          type: 'emitEvent',
          event,
          data: {
            step: step + 1,
            offset,
            installmentId: '{{record.id}}',
            contractId: '{{record.contractId}}',
            dueDate: '{{record.dueDate}}',
          },
        },
      ],
    }))
}
