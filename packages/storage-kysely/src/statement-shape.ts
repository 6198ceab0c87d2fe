import type { FieldRef, StorageFilter, StorageOrderBy } from '@rapport/core/storage'
import { LONG_LIST_THRESHOLD } from './sql-dialect.js'

/**
 * A bound parameter of a statement compiled once per shape: where a value of the call goes (`index` into the call's
 * {@link ShapeInputs}) and how it becomes a driver parameter (`encode`, the same function the uncached compile runs,
 * so a bad value still throws the same typed error). `first` is this value encoded for the call that compiled it.
 */
export class ParameterSlot {
  readonly index: number
  readonly encode: (value: unknown) => unknown
  readonly first: unknown

  constructor(index: number, encode: (value: unknown) => unknown, first: unknown) {
    this.index = index
    this.encode = encode
    this.first = first
  }
}

/**
 * The values of one call, in the order the shape walk meets them, and where each node's values start. Every value
 * a statement binds is one of these: the tenant, the filter's leaf values, the limit and the offset.
 */
export interface ShapeInputs {
  readonly values: unknown[]
  /** The index of a node's first value in {@link values}; a node's `i`-th value is at `start + i`. */
  readonly starts: Map<object, number>
}

/** Filters with more leaf values than this are not cached (their keys would be long and rarely repeat). */
const MAX_CACHED_VALUES = 64

/**
 * Hands out {@link ParameterSlot}s while a statement of a cacheable shape is built: the filter compiler asks it for
 * each value it binds, naming the node and the value's position in it, so the compiled statement's parameters say
 * which input each came from. A value the shape walk did not collect (a node kind the walk does not know) marks the
 * recording unusable: the statement still runs, with its own values, but is not cached.
 */
export class ParameterRecorder {
  readonly #inputs: ShapeInputs
  #usable = true

  constructor(inputs: ShapeInputs) {
    this.#inputs = inputs
  }

  /** Whether every bound value was found among the inputs, so the statement can be cached for its shape. */
  get usable(): boolean {
    return this.#usable
  }

  /** The parameter standing for `value`, the `at`-th value of `node`, bound as `encode(value)`. */
  slot(node: object, at: number, value: unknown, encode: (value: unknown) => unknown): ParameterSlot {
    const start = this.#inputs.starts.get(node)
    const index = start === undefined ? -1 : start + at
    if (index < 0 || !Object.is(this.#inputs.values[index], value)) this.#usable = false
    return new ParameterSlot(index, encode, encode(value))
  }
}

/** The statement text of a shape and its parameters: constants, or slots filled from each call's inputs. */
export interface CachedStatement {
  readonly sql: string
  readonly parameters: readonly unknown[]
}

/** The parameters of `statement` for one call's `inputs` (`first` fills them for the call that compiled it). */
export function bindStatement(statement: CachedStatement, inputs: readonly unknown[] | undefined): unknown[] {
  const template = statement.parameters
  const out = new Array<unknown>(template.length)
  for (let i = 0; i < template.length; i++) {
    const p = template[i]
    out[i] = p instanceof ParameterSlot ? (inputs === undefined ? p.first : p.encode(inputs[p.index])) : p
  }
  return out
}

function refKey(ref: FieldRef): string {
  return `${JSON.stringify(ref.field)}:${ref.type}:${ref.path ? JSON.stringify(ref.path) : ''}:${ref.array ? 1 : 0}`
}

/** The shape of an `orderBy` list: its keys and directions. */
export function orderShape(orderBy: readonly StorageOrderBy[] | undefined): string {
  if (!orderBy) return ''
  let key = ''
  for (const o of orderBy) key += `${refKey(o.ref)}${o.direction === 'desc' ? 'd' : 'a'},`
  return key
}

/**
 * Adds `node`'s values to `inputs` and returns the part of the shape key that identifies everything about the
 * filter except those values: what the compiled SQL text depends on. `undefined` when the filter is not cacheable:
 * node kinds whose text depends on their values (`text`, long `in` lists, array fields, `after` that expands, and
 * the relation nodes `exists` and `count`), a node object met twice, or too many values.
 */
export function filterShape(filter: StorageFilter, inputs: ShapeInputs): string | undefined {
  if (inputs.starts.has(filter)) return undefined
  switch (filter.kind) {
    case 'const':
      return filter.value ? 'T' : 'F'
    case 'and':
    case 'or': {
      inputs.starts.set(filter, inputs.values.length)
      let key = filter.kind === 'and' ? '&(' : '|('
      for (const child of filter.filters) {
        const part = filterShape(child, inputs)
        if (part === undefined) return undefined
        key += `${part},`
      }
      return `${key})`
    }
    case 'not': {
      inputs.starts.set(filter, inputs.values.length)
      const part = filterShape(filter.filter, inputs)
      return part === undefined ? undefined : `!(${part})`
    }
    case 'isNull':
      if (filter.ref.array) return undefined
      return `N${filter.isNull ? 1 : 0}${refKey(filter.ref)}`
    case 'compare': {
      if (filter.ref.array) return undefined
      if (filter.value === null) return `C${filter.op}${refKey(filter.ref)}n`
      return push(filter, [filter.value], inputs) ? `C${filter.op}${refKey(filter.ref)}v` : undefined
    }
    case 'in': {
      if (filter.ref.array || filter.values.length > LONG_LIST_THRESHOLD) return undefined
      let nulls = ''
      for (const v of filter.values) nulls += v === null ? 'n' : 'v'
      return push(filter, filter.values, inputs)
        ? `I${filter.negate ? 1 : 0}${refKey(filter.ref)}${nulls}`
        : undefined
    }
    case 'after': {
      // Only the row-value comparison (one direction, plain columns, no NULL position) has a value-free text.
      const direction = filter.orderBy[0]?.direction
      const rowValue =
        filter.orderBy.length > 0 &&
        filter.values.length === filter.orderBy.length &&
        filter.orderBy.every(
          (o, i) =>
            o.direction === direction && !o.ref.path?.length && !o.ref.array && filter.values[i] !== null,
        )
      if (!rowValue) return undefined
      return push(filter, filter.values, inputs) ? `A(${orderShape(filter.orderBy)})` : undefined
    }
    default:
      return undefined
  }
}

function push(node: object, values: readonly unknown[], inputs: ShapeInputs): boolean {
  if (inputs.values.length + values.length > MAX_CACHED_VALUES) return false
  inputs.starts.set(node, inputs.values.length)
  for (const v of values) inputs.values.push(v)
  return true
}
