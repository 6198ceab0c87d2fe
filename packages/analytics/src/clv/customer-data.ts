import { checkDistinctCustomerIds } from '../validation/input-checks.js'
import { AnalyticsError } from './analytics-error.js'

/**
 * One customer's repeat-purchase history in BTYD ("lifetimes") form, all times in one unit (days, weeks, ...).
 * Build it with {@link summaryDataFromTransactions}.
 */
export interface BtydCustomer {
  /** Number of repeat purchase periods (total purchase periods − 1); a non-negative integer. */
  frequency: number
  /** Age at the last purchase: time from the first to the last purchase (0 when `frequency` is 0). */
  recency: number
  /** Age: time from the first purchase to the end of the observation period; `recency ≤ T`. */
  T: number
  /** Optional multiplicity (for pre-aggregated rows); default 1. */
  weight?: number
  /** Optional id (core's `toBtydCustomers` sets it); ids must be distinct (`DUPLICATE_ID`), rows without one aren't checked. */
  customerId?: string | number
}

/** Columnar, validated copy of a customer array. @internal */
export interface CustomerColumns {
  n: number
  x: Float64Array
  tx: Float64Array
  T: Float64Array
  w: Float64Array
  /** Index into `uniqueX` of each row's frequency. */
  xIndex: Int32Array
  uniqueX: number[]
  weightSum: number
  maxT: number
}

/** Throws `INVALID_INPUT` unless `value` is a finite number ≥ 0. @internal */
export function checkNonNegative(value: unknown, field: string, index: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AnalyticsError(
      'INVALID_INPUT',
      `customers[${index}].${field} must be a finite number ≥ 0, got ${value}`,
      {
        index,
        field,
        value,
      },
    )
  }
  return value
}

/** Throws `INVALID_INPUT` unless `value` is a non-negative integer. @internal */
export function checkCount(value: unknown, field: string, index: number): number {
  checkNonNegative(value, field, index)
  if (!Number.isInteger(value)) {
    throw new AnalyticsError(
      'INVALID_INPUT',
      `customers[${index}].${field} must be an integer, got ${value}`,
      {
        index,
        field,
        value,
      },
    )
  }
  return value as number
}

/** Throws `INVALID_INPUT` unless the optional weight is finite and > 0; returns it (default 1). @internal */
export function checkWeight(value: unknown, index: number): number {
  if (value === undefined) return 1
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new AnalyticsError(
      'INVALID_INPUT',
      `customers[${index}].weight must be a finite number > 0, got ${value}`,
      {
        index,
        field: 'weight',
        value,
      },
    )
  }
  return value
}

/** Validates one customer (frequency integer ≥ 0, 0 ≤ recency ≤ T, recency = 0 when frequency = 0). @internal */
export function checkCustomer(c: BtydCustomer, index = 0): void {
  if (typeof c !== 'object' || c === null) {
    throw new AnalyticsError('INVALID_INPUT', `customers[${index}] must be an object`, { index })
  }
  const x = checkCount(c.frequency, 'frequency', index)
  const tx = checkNonNegative(c.recency, 'recency', index)
  const T = checkNonNegative(c.T, 'T', index)
  if (tx > T) {
    throw new AnalyticsError(
      'INVALID_INPUT',
      `customers[${index}].recency (${tx}) must not exceed T (${T})`,
      {
        index,
        field: 'recency',
        value: tx,
      },
    )
  }
  if (x === 0 && tx !== 0) {
    throw new AnalyticsError('INVALID_INPUT', `customers[${index}].recency must be 0 when frequency is 0`, {
      index,
      field: 'recency',
      value: tx,
    })
  }
}

/** Validates a customer array and copies it into columns. @internal */
export function toColumns(customers: readonly BtydCustomer[]): CustomerColumns {
  if (!Array.isArray(customers) || customers.length === 0) {
    throw new AnalyticsError('INVALID_INPUT', 'customers must be a non-empty array')
  }
  checkDistinctCustomerIds(customers)
  const n = customers.length
  const x = new Float64Array(n)
  const tx = new Float64Array(n)
  const T = new Float64Array(n)
  const w = new Float64Array(n)
  const xIndex = new Int32Array(n)
  const slot = new Map<number, number>()
  const uniqueX: number[] = []
  let weightSum = 0
  let maxT = 0
  for (let i = 0; i < n; i++) {
    const c = customers[i]!
    checkCustomer(c, i)
    x[i] = c.frequency
    tx[i] = c.recency
    T[i] = c.T
    w[i] = checkWeight(c.weight, i)
    weightSum += w[i]!
    if (c.T > maxT) maxT = c.T
    let s = slot.get(c.frequency)
    if (s === undefined) {
      s = uniqueX.length
      slot.set(c.frequency, s)
      uniqueX.push(c.frequency)
    }
    xIndex[i] = s
  }
  if (!(maxT > 0)) {
    throw new AnalyticsError('INVALID_INPUT', 'at least one customer must have T > 0')
  }
  return { n, x, tx, T, w, xIndex, uniqueX, weightSum, maxT }
}

/** Throws `INVALID_PARAMS` unless every value is finite and > 0. @internal */
export function checkParams(params: Record<string, number>, model: string): void {
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
      throw new AnalyticsError(
        'INVALID_PARAMS',
        `${model}: parameter ${k} must be a finite number > 0, got ${v}`,
        {
          param: k,
          value: v,
        },
      )
    }
  }
}

/** Throws `INVALID_INPUT` unless `t` is a finite number ≥ 0. @internal */
export function checkHorizon(t: number, field = 't'): void {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new AnalyticsError('INVALID_INPUT', `${field} must be a finite number ≥ 0, got ${t}`, {
      field,
      value: t,
    })
  }
}

/** Rescales times so max T = 1 (the fit is scale invariant; this conditions the optimiser). @internal */
export function scaleColumns(d: CustomerColumns): { data: CustomerColumns; scale: number } {
  const scale = 1 / d.maxT
  const tx = d.tx.map((v) => v * scale)
  const T = d.T.map((v) => v * scale)
  return { data: { ...d, tx, T, maxT: 1 }, scale }
}

/** Converts natural-scale params (with time-scale entries at `indexes`) into the rescaled frame. @internal */
export function unscaleAlpha(params: readonly number[], scale: number, ...indexes: number[]): number[] {
  return params.map((v, i) => (indexes.includes(i) ? v * scale : v))
}

/** Merges rows with identical (x, t_x, T) into one row carrying the summed weight. @internal */
export function dedupeColumns(d: CustomerColumns): CustomerColumns {
  const slot = new Map<string, number>()
  const keep: number[] = []
  const w: number[] = []
  for (let i = 0; i < d.n; i++) {
    const key = `${d.x[i]}|${d.tx[i]}|${d.T[i]}`
    const s = slot.get(key)
    if (s === undefined) {
      slot.set(key, keep.length)
      keep.push(i)
      w.push(d.w[i]!)
    } else w[s] = w[s]! + d.w[i]!
  }
  if (keep.length === d.n) return d
  const pick = (src: Float64Array) => Float64Array.from(keep, (i) => src[i]!)
  return {
    ...d,
    n: keep.length,
    x: pick(d.x),
    tx: pick(d.tx),
    T: pick(d.T),
    w: Float64Array.from(w),
    xIndex: Int32Array.from(keep, (i) => d.xIndex[i]!),
  }
}
