import Database from 'better-sqlite3'

/**
 * The physical limit on SQLite: better-sqlite3 reading the very rows the summaries read (the tenant's completed EUR
 * orders up to `asOf`, in customer then time order, from the same covering index), in one statement, in raw array
 * mode, counting and summing per customer and nothing else: no validation, no paging, no periods.
 */
export function rawSqliteScan(
  file: string,
  tenant: string,
  asOf: Date,
): { customers: number; orders: number } {
  const db = new Database(file, { readonly: true })
  try {
    const rows = db
      .prepare(
        `select customer_type, customer_id, occurred_at, amount_minor from orders
         where tenant_id = ? and archived_at is null and amount_currency = 'EUR' and status in ('completed')
           and occurred_at <= ?
         order by customer_type, customer_id, occurred_at, id`,
      )
      .raw(true)
    let customers = 0
    let orders = 0
    let total = 0
    let type: unknown = null
    let id: unknown = null
    for (const row of rows.iterate(tenant, asOf.getTime()) as Iterable<unknown[]>) {
      if (row[1] !== id || row[0] !== type) {
        type = row[0]
        id = row[1]
        customers++
      }
      orders++
      total += Number(row[3])
    }
    if (!Number.isFinite(total)) throw new Error('unreachable: keeps the sum alive')
    return { customers, orders }
  } finally {
    db.close()
  }
}
