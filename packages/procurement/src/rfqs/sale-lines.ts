import type { RfqLine } from './rfq-entities.js'

/**
 * The RFQ lines of a sale read through core's public API, when `createRfq` is given no lines and no `linesOf`: a core
 * `order`'s line items (key: the sku, else the product id, made unique with `#2`, `#3`; description: the line's name,
 * else that key; quantity as ordered). Other entities give none (`undefined`): pass `lines` or a `linesOf` option
 * (e.g. reading the lines of a sales quote).
 *
 * @example
 * ```ts
 * saleLines({ lines: [{ sku: 'PCB-1', name: '主板 PCB', quantity: 500, unitPrice }] }, 'order')
 * // [{ key: 'PCB-1', description: '主板 PCB', quantity: 500 }]
 * ```
 */
export function saleLines(record: Readonly<Record<string, unknown>>, entity: string): RfqLine[] | undefined {
  if (entity !== 'order' || !Array.isArray(record['lines'])) return undefined
  const seen = new Map<string, number>()
  return (record['lines'] as { sku?: string; productId?: string; name?: string; quantity: number }[]).map(
    (line) => {
      const base = line.sku ?? line.productId ?? 'line'
      const n = (seen.get(base) ?? 0) + 1
      seen.set(base, n)
      const key = n === 1 ? base : `${base}#${n}`
      return {
        key: key.slice(0, 100),
        description: (line.name ?? base).slice(0, 500) || key,
        quantity: line.quantity,
      }
    },
  )
}
