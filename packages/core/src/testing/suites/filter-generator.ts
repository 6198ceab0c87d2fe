import type { FieldRef, StorageFilter, StorageValue } from '../../storage/storage-filter.js'
import { columnRef, pathRef } from '../conformance-context.js'
import type { FilterDataset } from './filter-dataset.js'
import type { seededRandom } from './suite-helpers.js'
import { exists } from './suite-helpers.js'

type Random = ReturnType<typeof seededRandom>

/** A filterable value of a model, with the values it takes in the dataset. */
interface Column {
  readonly ref: FieldRef
  readonly values: readonly StorageValue[]
  readonly textual: boolean
}

/** The models the filter dataset holds rows of. */
type DatasetModel = keyof FilterDataset

const RELATIONS: Readonly<Record<string, readonly (readonly [string, DatasetModel])[]>> = {
  person: [
    ['org', 'org'],
    ['groups', 'group'],
    ['ownedGroups', 'group'],
    ['mentees', 'person'],
    ['mentor', 'person'],
  ],
  org: [['people', 'person']],
  group: [['members', 'person']],
}

const FIELDS: Readonly<Record<string, readonly string[]>> = {
  person: ['id', 'name', 'email', 'bio', 'age', 'score', 'active', 'bornOn', 'lastSeenAt', 'tags', 'orgId'],
  org: ['name', 'slug', 'employees'],
  group: ['name'],
}

/** JSON paths into `person.custom`, with the scalar type each holds in the dataset. */
export const JSON_PATHS: readonly FieldRef[] = [
  pathRef('custom', ['tier'], 'string'),
  pathRef('custom', ['n'], 'number'),
  pathRef('custom', ['flag'], 'boolean'),
  pathRef('custom', ['since'], 'datetime'),
  pathRef('custom', ['address', 'city'], 'string'),
  pathRef('custom', ['address', 'zip'], 'string'),
  pathRef('custom', ['missing', 'deeper'], 'string'),
]

function distinctValues(values: Iterable<StorageValue>): StorageValue[] {
  const out: StorageValue[] = []
  for (const value of values) {
    if (value === null || value === undefined) continue
    const elements = Array.isArray(value) ? value : [value]
    for (const element of elements) {
      if (
        !out.some(
          (seen) =>
            seen === element || (seen instanceof Date && element instanceof Date && +seen === +element),
        )
      )
        out.push(element)
    }
  }
  return out
}

function readPath(value: StorageValue, path: readonly string[]): StorageValue {
  let current: unknown = value
  for (const key of path) {
    if (
      typeof current !== 'object' ||
      current === null ||
      Array.isArray(current) ||
      !Object.hasOwn(current, key)
    )
      return null
    current = (current as Record<string, unknown>)[key]
  }
  return (current ?? null) as StorageValue
}

/** Builds random filters over the dataset's models, reproducible from the PRNG's seed. */
export function filterGenerator(dataset: FilterDataset, random: Random, options: { jsonPaths: boolean }) {
  const columns = (model: DatasetModel): Column[] => {
    const rows = dataset[model]
    const cols: Column[] = (FIELDS[model] ?? []).map((field) => {
      const ref = columnRef(model, field)
      const textual = ref.type === 'string' || ref.type === 'text'
      return {
        ref,
        values: distinctValues(rows.map((row) => row[field] ?? null)),
        textual: textual && !ref.array,
      }
    })
    if (model === 'person' && options.jsonPaths) {
      for (const ref of JSON_PATHS) {
        const values = distinctValues(rows.map((row) => readPath(row['custom'] ?? null, ref.path ?? [])))
        cols.push({ ref, values, textual: ref.type === 'string' })
      }
    }
    return cols
  }
  const cache = new Map<DatasetModel, Column[]>()
  const columnsOf = (model: DatasetModel): Column[] => {
    let cols = cache.get(model)
    if (!cols) cache.set(model, (cols = columns(model)))
    return cols
  }

  const pickValue = (column: Column): StorageValue => {
    const r = random.next()
    if (r < 0.1 || column.values.length === 0) return null
    return random.pick(column.values)
  }

  const needle = (column: Column): string => {
    const source = String(random.pick(column.values.length > 0 ? column.values : ['x']))
    const chars = Array.from(source)
    const start = random.int(chars.length + 1)
    const piece = chars.slice(start, start + 1 + random.int(4)).join('')
    return random.next() < 0.3 ? piece.toUpperCase() : piece
  }

  const leaf = (model: DatasetModel): StorageFilter => {
    const column = random.pick(columnsOf(model))
    const { ref } = column
    const r = random.next()
    if (r < 0.1) return { kind: 'isNull', ref, isNull: random.next() < 0.5 }
    if (r < 0.3) {
      const values = Array.from({ length: random.int(4) }, () => pickValue(column))
      return { kind: 'in', ref, values, negate: random.next() < 0.4 }
    }
    if (r < 0.5 && column.textual) {
      return {
        kind: 'text',
        ref,
        op: random.pick(['contains', 'startsWith', 'endsWith'] as const),
        value: needle(column),
        caseInsensitive: random.next() < 0.5,
      }
    }
    const ops = ref.array ? (['eq', 'ne'] as const) : (['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const)
    return { kind: 'compare', ref, op: random.pick(ops), value: pickValue(column) }
  }

  const node = (model: DatasetModel, depth: number): StorageFilter => {
    const r = random.next()
    if (depth > 0 && r < 0.3) {
      const filters = Array.from({ length: random.int(4) }, () => node(model, depth - 1))
      return { kind: random.next() < 0.5 ? 'and' : 'or', filters }
    }
    if (depth > 0 && r < 0.45) return { kind: 'not', filter: node(model, depth - 1) }
    if (depth > 0 && r < 0.55 && RELATIONS[model]) {
      const [relation, target] = random.pick(RELATIONS[model] ?? [])
      return exists(model, relation, node(target, depth - 1))
    }
    if (r > 0.98) return { kind: 'const', value: random.next() < 0.5 }
    return leaf(model)
  }

  return { filter: (depth = 3): StorageFilter => node('person', depth) }
}
