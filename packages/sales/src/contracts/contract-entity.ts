import { defineEntity, stagedFields } from '@rapport/core/entities'
import * as z from 'zod'
import { CONTRACT_STATUSES, contractPipelineTemplate } from './contract-lifecycle.js'

const date = z.iso.date()
const id = z.string().min(1).max(100)

/**
 * A contract: the parties and links it came from (a won deal, an accepted quote), its amount in minor units, its
 * term and its lifecycle status. The status is a stage of a `contract` pipeline (a `staged` plugin entity on core's
 * machine, like quotes): every move runs the pipeline's edges and transition guards, appends stage history
 * (`crm.staged('contract').stageHistory(id)`, `.timeInStage(id)`) and emits `contract.stage_changed` plus
 * `contract.<status>`. Writing `status` is a move (`staged.statusWrites: 'move'`), so `update(id, { status: 'active' })`
 * from the API, the REST server, an automation rule or the approvals plugin is checked the same way. Received and unreceived amounts are not stored: they roll up from payments
 * (`crm.plugins.receivables.balance(id)`).
 */
export const contractEntity = defineEntity({
  name: 'contract',
  idPrefix: 'ctr',
  shape: {
    ...stagedFields,
    name: z.string().min(1).max(300),
    number: z.string().max(100).nullable().optional(),
    companyId: id.nullable().optional(),
    contactId: id.nullable().optional(),
    dealId: id.nullable().optional(),
    quoteId: id.nullable().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    amountMinor: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
    startDate: date,
    endDate: date,
    renewalNoticeDays: z.int().min(0).max(3650).default(30),
    /** The stage key, maintained by core; writing it moves the contract to that stage. */
    status: z.enum(CONTRACT_STATUSES).nullable().optional(),
  },
  references: {
    companyId: { model: 'company', onDelete: 'restrict' },
    contactId: { model: 'contact', onDelete: 'restrict' },
    dealId: { model: 'deal', onDelete: 'set null' },
  },
  indexes: [
    { name: 'by_status_end', fields: ['status', 'endDate'] },
    { name: 'by_deal', fields: ['dealId'] },
    // A customer's contracts, newest first (the timeline's contract source).
    { name: 'by_company_created', fields: ['companyId', 'createdAt'] },
    { name: 'by_contact_created', fields: ['contactId', 'createdAt'] },
    // Lets the aging EXISTS (is the contract effective?) read the status from the index alone.
    { name: 'by_id_status', fields: ['id', 'status'] },
  ],
  relations: {
    // The customer, so filters (and a company's timeline) can reach a contract through its contact.
    contact: { kind: 'belongsTo', model: 'contact', localKey: 'contactId' },
    company: { kind: 'belongsTo', model: 'company', localKey: 'companyId' },
    installments: { kind: 'hasMany', model: 'installment', foreignKey: 'contractId' },
    payments: { kind: 'hasMany', model: 'payment', foreignKey: 'contractId' },
  },
  searchFields: ['name', 'number'],
  staged: {
    statusField: 'status',
    statusWrites: 'move',
    defaultPipeline: contractPipelineTemplate,
    // contract.pending_approval, contract.approved, contract.active, … beside contract.stage_changed.
    events: ({ to }) => (to.key ? [to.key] : []),
  },
  validate: (record) =>
    String(record['endDate']) < String(record['startDate'])
      ? [{ path: ['endDate'], message: 'The end date is before the start date', code: 'invalid_value' }]
      : [],
})
