import type { EntityUpdateInput } from '../entities/entity-types.js'
import type { Order, OrderInput, orderEntity } from '../entities/order.js'
import type { CustomerSummariesOptions, OrderSummaries } from '../services/order-summaries.js'
import type { EntityService } from './entity-service.js'

/**
 * Orders (transactions) of contacts and companies, plus per-customer summaries for RFM and customer lifetime value.
 * Summaries are computed inside the database on adapters with `capabilities.orderAggregation` (SQLite, Postgres), and
 * by streaming pages otherwise, so memory grows with the number of customers, never with the number of orders.
 *
 * @example
 * ```ts
 * await crm.orders.create({ customerType: 'contact', customerId: ada.id, occurredAt: new Date(), amount: { amountMinor: 4_990, currency: 'EUR' } })
 * const summaries = await crm.orders.customerSummaries({ asOf: new Date(), timeUnit: 'week', currency: 'EUR' })
 * const customers = toBtydCustomers(summaries)   // → fitBgNbd(customers) from @rapport/analytics/clv
 * ```
 */
export interface OrderService
  extends EntityService<Order, OrderInput, EntityUpdateInput<typeof orderEntity>> {
  /**
   * One summary per customer with at least one matching order up to `asOf` (or `calibrationEnd`): first and last
   * order, order count and total, distinct purchase periods and the total of the repeat periods, and with
   * `calibrationEnd` the holdout counts. Only `completed`, non-archived orders in `currency` count unless `status`
   * says otherwise. Bad options throw `VALIDATION_FAILED` (or `INVALID_FILTER` for `where`).
   *
   * Map the result to `@rapport/analytics` inputs with `toRfmSummaryRows`, `toBtydCustomers` and
   * `toCalibrationHoldout` (`@rapport/core/services`).
   */
  customerSummaries(options: CustomerSummariesOptions): Promise<OrderSummaries>
}
