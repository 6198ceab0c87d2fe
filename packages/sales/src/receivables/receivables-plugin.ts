import type { CrmPlugin } from '@rapport/core'
import { definePlugin } from '@rapport/core'
import type { TransitionGuardPlugin } from '@rapport/core/pipeline'
import { contractEntity } from '../contracts/contract-entity.js'
import { contractTransitionGuards } from '../contracts/contract-guards.js'
import { installmentEntity, paymentAllocationEntity, paymentEntity } from './receivable-entities.js'
import { receivableHooks } from './receivable-hooks.js'
import { receivableOperations } from './receivable-operations.js'
import { receivableTimelineSources } from './receivable-timeline.js'
import type { ReceivablesApi } from './receivables-service.js'
import { receivablesService } from './receivables-service.js'

/**
 * Contracts and receivables as a core plugin: the `contract`, `installment`, `payment` and `paymentAllocation`
 * entities (the contract's status on core's pipeline machine, with its transition guards), the hooks that lock what
 * must not change, and `crm.plugins.receivables` (plans, payments, statuses,
 * balances, aging).
 *
 * @example
 * ```ts
 * const crm = createCrm({ storage, plugins: [receivablesPlugin()] as const })
 * const contract = await crm.entity('contract').create({ name: 'ACME 2026', currency: 'EUR', amountMinor: 300_000, startDate: '2026-01-01', endDate: '2026-12-31' })
 * await crm.entity('contract').update(contract.id, { status: 'pending_approval' })
 * await crm.entity('contract').update(contract.id, { status: 'approved' })
 * await crm.plugins.receivables.planInstallments(contract.id, [
 *   { percent: 30, dueDate: '2026-01-31' }, { percent: 30, dueDate: '2026-04-30' }, { balance: true, dueDate: '2026-07-31' },
 * ])
 * await crm.plugins.receivables.recordPayment(contract.id, { amountMinor: 50_000, currency: 'EUR', receivedOn: '2026-02-03' })
 * const report = await crm.plugins.receivables.aging({ asOf: '2026-05-15', currency: 'EUR' })
 * ```
 */
export function receivablesPlugin(): CrmPlugin<'receivables', ReceivablesApi> & TransitionGuardPlugin {
  const plugin = definePlugin({
    id: 'receivables',
    schema: { entities: [contractEntity, installmentEntity, paymentEntity, paymentAllocationEntity] },
    hooks: receivableHooks,
    // Contracts and payments appear on the customer's timeline (crm.timeline.page).
    timeline: receivableTimelineSources,
    api: ({ crm }) => receivablesService(crm),
    // Installments and payments are written through the API only (plans must sum to the contract, payments allocate),
    // so the faces get them as operations, not as collections.
    expose: { entities: ['contract'], operations: receivableOperations },
  })
  const guards: TransitionGuardPlugin = { transitionGuards: contractTransitionGuards }
  return { ...plugin, ...guards }
}
