import * as z from 'zod'
import {
  accessFieldRights,
  checkFilterFields,
  compiledAccessScope,
  fieldForbidden,
  unreadableFields,
  withRelatedScopes,
} from '../access/session-access.js'
import type { Session } from '../crm/session.js'
import type { EntityUpdateInput } from '../entities/entity-types.js'
import type { Order, OrderInput, OrderLine, orderEntity } from '../entities/order.js'
import { orderCustomerTypes, orderStatuses } from '../entities/order.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'
import type { ValidationIssue } from '../errors/rapport-error.js'
import { compileFilter } from '../filter/compile-filter.js'
import type { Filter } from '../filter/filter-types.js'
import type { AggregateCustomerOrdersArgs, OrderAggregationFields } from '../storage/order-aggregation.js'
import { orderPeriodIndex } from '../storage/order-aggregation.js'
import { aggregateCustomerOrdersByScan } from '../storage/order-aggregation-scan.js'
import type { StorageFilter } from '../storage/storage-filter.js'
import type { OrderService } from '../types/order-service.js'
import { findVisibleIds, findVisibleRow } from './entity-references.js'
import type { EntityBehaviour } from './entity-service.js'
import { EntityServiceImpl } from './entity-service.js'
import type { CustomerSummariesOptions, OrderCustomerSummary, OrderSummaries } from './order-summaries.js'
import { failValidation, toIssues } from './record-validation.js'

const ORDER_FIELDS: OrderAggregationFields = Object.freeze({
  customerType: 'customerType',
  customerId: 'customerId',
  occurredAt: 'occurredAt',
  amount: 'amountMinor',
})

/**
 * Orders must name an existing customer of the tenant: the id is checked against the model its `customerType` names
 * (ids are prefixed, so a company id never passes as a contact).
 *
 * @internal
 */
export const orderBehaviour: EntityBehaviour = {
  async prepare(record, session, current) {
    checkOrderTotal(record)
    const type = record['customerType'] as string
    const id = record['customerId'] as string
    if (current && current['customerType'] === type && current['customerId'] === id) return
    if (!(await findVisibleRow(session, type, id))) noCustomer(type, id)
  },
  // A batch reads its customers once per customer type, then checks each order in turn as `prepare` would.
  async prepareMany(records, session) {
    const wanted = new Map<string, Set<string>>()
    for (const r of records) {
      const type = r['customerType'] as string
      let ids = wanted.get(type)
      if (!ids) wanted.set(type, (ids = new Set()))
      ids.add(r['customerId'] as string)
    }
    const visible = new Map<string, Set<string>>()
    for (const [type, ids] of wanted) visible.set(type, await findVisibleIds(session, type, [...ids]))
    for (const r of records) {
      checkOrderTotal(r)
      const type = r['customerType'] as string
      if (!visible.get(type)?.has(r['customerId'] as string)) noCustomer(type, r['customerId'] as string)
    }
  },
}

function noCustomer(type: string, id: string): never {
  failValidation('order', [
    { path: ['customerId'], message: `No ${type} with the id "${id}"`, code: 'invalid_value' },
  ])
}

/**
 * The order's amount is the sum of its lines, in its currency: recomputed here, never trusted from the client. Sums
 * beyond the safe integer range are refused rather than rounded.
 */
function checkOrderTotal(record: Record<string, unknown>): void {
  const lines = (record['lines'] ?? []) as readonly OrderLine[]
  if (lines.length === 0) return
  const amount = record['amount'] as { amountMinor: number; currency: string }
  const issues: ValidationIssue[] = []
  let total = 0
  lines.forEach((line, i) => {
    if (line.unitPrice.currency !== amount.currency) {
      issues.push({
        path: ['lines', i, 'unitPrice', 'currency'],
        message: `A line's currency must be the order's (${amount.currency})`,
        code: 'invalid_value',
      })
    }
    total += line.quantity * line.unitPrice.amountMinor
  })
  if (!Number.isSafeInteger(total)) {
    issues.push({ path: ['lines'], message: 'The lines sum beyond the safe integer range', code: 'too_big' })
  } else if (issues.length === 0 && total !== amount.amountMinor) {
    issues.push({
      path: ['amount', 'amountMinor'],
      message: `The amount (${amount.amountMinor}) must equal the sum of the lines (${total})`,
      code: 'invalid_value',
    })
  }
  if (issues.length > 0) failValidation('order', issues)
}

const instant = z.union([z.date(), z.iso.datetime({ offset: true }), z.iso.date()]).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(v)
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'Invalid date' })
    return z.NEVER
  }
  return d
})

const summariesOptionsSchema = z
  .object({
    asOf: instant,
    timeUnit: z.enum(['day', 'week', 'month']),
    currency: z.string().regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency code such as "EUR"'),
    status: z.array(z.enum(orderStatuses)).min(1).max(orderStatuses.length).optional(),
    customerType: z.enum(orderCustomerTypes).optional(),
    where: z.unknown().optional(),
    calibrationEnd: instant.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.calibrationEnd && !(o.calibrationEnd.getTime() < o.asOf.getTime())) {
      ctx.addIssue({
        code: 'custom',
        path: ['calibrationEnd'],
        message: 'calibrationEnd must be before asOf',
      })
    }
  })

/** The implementation of {@link OrderService}. */
export class OrderServiceImpl
  extends EntityServiceImpl<Order, OrderInput, EntityUpdateInput<typeof orderEntity>>
  implements OrderService
{
  readonly #session: Session
  readonly #entity: ResolvedEntity

  /** @internal */
  constructor(session: Session, entity: ResolvedEntity) {
    super(session, entity, orderBehaviour)
    this.#session = session
    this.#entity = entity
  }

  async customerSummaries(options: CustomerSummariesOptions): Promise<OrderSummaries> {
    const parsed = summariesOptionsSchema.safeParse(options)
    if (!parsed.success) failValidation('order', toIssues(parsed.error, ['options']))
    const opts = parsed.data
    const session = this.#session
    const entity = this.#entity
    return session.read(async (ops) => {
      const filters: StorageFilter[] = [
        { kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true },
        {
          kind: 'compare',
          ref: { field: 'amountCurrency', type: 'string' },
          op: 'eq',
          value: opts.currency,
        },
        {
          kind: 'in',
          ref: { field: 'status', type: 'string' },
          values: [...new Set(opts.status ?? ['completed'])],
          negate: false,
        },
        { kind: 'compare', ref: { field: 'occurredAt', type: 'datetime' }, op: 'lte', value: opts.asOf },
      ]
      if (opts.customerType) {
        filters.push({
          kind: 'compare',
          ref: { field: 'customerType', type: 'string' },
          op: 'eq',
          value: opts.customerType,
        })
      }
      // The caller's access applies to aggregates as to lists: the read scope, the related scopes of any `exists`,
      // and no aggregating over a field the caller sees masked or not at all.
      const customFields = await session.runtime.customFields(session.tenantId, ops)
      const target = session.runtime.schema.filterTarget(entity.name, customFields)
      const unreadable = unreadableFields(accessFieldRights(session, entity.name), Object.keys(ORDER_FIELDS))
      if (unreadable.length > 0) throw fieldForbidden(entity.name, unreadable, 'aggregate')
      const policy = await compiledAccessScope(session, entity.name, () => target, customFields, 'read')
      if (policy) filters.push(policy)
      if (opts.where !== undefined) {
        checkFilterFields(session, opts.where, target)
        filters.push(
          compileFilter(
            await withRelatedScopes(session, opts.where as Filter, target),
            target,
            {
              now: session.runtime.clock(),
              tenantId: session.tenantId,
              ...(session.actor ? { actor: session.actor } : {}),
            },
            session.runtime.filterLimits,
          ),
        )
      }
      const calibrationEnd = opts.calibrationEnd ?? opts.asOf
      const args: AggregateCustomerOrdersArgs = {
        model: entity.model,
        tenantId: session.tenantId,
        schema: session.runtime.schema.storage,
        where: { kind: 'and', filters },
        fields: ORDER_FIELDS,
        unit: opts.timeUnit,
        calibrationEnd,
      }
      const native = session.runtime.storage.capabilities.orderAggregation && ops.aggregateCustomerOrders
      const rows = native
        ? await ops.aggregateCustomerOrders!(args)
        : await aggregateCustomerOrdersByScan(ops, args)
      // The rows are fresh objects from the storage or the scan, and order customers are contacts or companies:
      // handed out as they are, since a copy each would double memory at 500k customers.
      const customers = (rows as readonly OrderCustomerSummary[])
        .slice()
        .sort((a, b) =>
          a.customerType !== b.customerType
            ? a.customerType < b.customerType
              ? -1
              : 1
            : a.customerId < b.customerId
              ? -1
              : a.customerId > b.customerId
                ? 1
                : 0,
        )
      return {
        asOf: opts.asOf,
        calibrationEnd: opts.calibrationEnd ?? null,
        timeUnit: opts.timeUnit,
        currency: opts.currency,
        endPeriod: orderPeriodIndex(calibrationEnd.getTime(), opts.timeUnit),
        holdoutEndPeriod: opts.calibrationEnd ? orderPeriodIndex(opts.asOf.getTime(), opts.timeUnit) : null,
        source: native ? 'storage' : 'scan',
        customers,
      }
    })
  }
}
