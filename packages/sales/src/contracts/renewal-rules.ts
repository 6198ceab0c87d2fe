import type { AutomationRule } from '@rapport/automation'

/** Options of {@link renewalReminderRule}. */
export interface RenewalReminderOptions {
  /** Days before the end date (default 30). */
  readonly days?: number
  /** The event emitted (default `contract.renewal_due`). */
  readonly event?: string
}

/**
 * An automation rule that fires `days` before a contract's end date (SuiteCRM's renewal reminder): an active contract
 * becomes `expiring` and the event is emitted with the contract's id and end date. Contracts in any other state are
 * left alone.
 *
 * @example
 * ```ts
 * crm.plugins.automation.register(renewalReminderRule({ days: 60 }))
 * crm.plugins.automation.events.on('contract.renewal_due', ({ contractId }) => planRenewal(contractId))
 * ```
 */
export function renewalReminderRule(options: RenewalReminderOptions = {}): AutomationRule {
  const days = options.days ?? 30
  return {
    id: `sales.contract-renewal.${days}d`,
    name: `Contract renewal reminder ${days} days before the end date`,
    entity: 'contract',
    trigger: { type: 'relative', field: 'endDate', offset: { days }, direction: 'before' },
    conditions: { field: 'status', op: 'eq', value: 'active' },
    actions: [
      { type: 'updateFields', set: { status: 'expiring' } },
      {
        type: 'emitEvent',
        event: options.event ?? 'contract.renewal_due',
        data: { contractId: '{{record.id}}', endDate: '{{record.endDate}}', name: '{{record.name}}' },
      },
    ],
  }
}
