import { RapportError } from '../errors/rapport-error.js'
import type { ModelDefinition } from '../storage/model-definition.js'
import type { StorageRow, StorageValue } from '../storage/storage-filter.js'

/** Copies JSON (and `Date`s) by hand: several times faster than `structuredClone` for small values. */
function copyDeep(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date) return new Date(value.getTime())
  if (Array.isArray(value)) return value.map(copyDeep)
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return structuredClone(value)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    const copy = copyDeep((value as Record<string, unknown>)[key])
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true })
    else out[key] = copy
  }
  return out
}

/** A deep copy of a stored value: `Date`s and JSON are copied so nobody shares state with the store. */
export function copyValue(value: StorageValue | undefined): StorageValue {
  if (value === undefined || value === null) return null
  if (typeof value !== 'object') return value
  try {
    return copyDeep(value) as StorageValue
  } catch (cause) {
    throw new RapportError(
      'STORAGE_FAILURE',
      'The memory storage can only store JSON values, Dates and scalars',
      {
        cause,
      },
    )
  }
}

/** A deep copy of a whole row. */
export function copyRow(row: StorageRow): StorageRow {
  const copy: StorageRow = {}
  for (const key of Object.keys(row)) copy[key] = copyValue(row[key])
  return copy
}

/** Rejects columns the model does not declare, as a SQL database would. */
function checkColumns(model: ModelDefinition, data: StorageRow): void {
  for (const key of Object.keys(data)) {
    if (!Object.hasOwn(model.fields, key) && data[key] !== undefined) {
      throw new RapportError('STORAGE_FAILURE', `Model ${model.name} has no column ${key}`, {
        details: { model: model.name, field: key },
      })
    }
  }
}

/** Rejects `null` in a required column, as a SQL `NOT NULL` constraint would. */
function checkRequired(model: ModelDefinition, row: StorageRow): void {
  for (const [field, def] of Object.entries(model.fields)) {
    if (def.required && row[field] === null) {
      throw new RapportError('CONSTRAINT_VIOLATION', `${model.name}.${field} may not be null`, {
        details: { model: model.name, field, reason: 'not null' },
      })
    }
  }
}

/** The stored form of a new row: a private copy with every column present (`null` when missing). */
export function newStoredRow(model: ModelDefinition, tenantId: string, data: StorageRow): StorageRow {
  checkColumns(model, data)
  const row: StorageRow = {}
  for (const field of Object.keys(model.fields)) row[field] = copyValue(data[field])
  if (Object.hasOwn(model.fields, 'tenantId')) row['tenantId'] = tenantId
  if (typeof row['id'] !== 'string' || row['id'] === '') {
    throw new RapportError('STORAGE_FAILURE', `A ${model.name} row needs a string id`, {
      details: { model: model.name },
    })
  }
  checkRequired(model, row)
  return row
}

/** The stored form of a row after an update: a copy with `data` applied; `id` and `tenantId` never change. */
export function updatedStoredRow(model: ModelDefinition, current: StorageRow, data: StorageRow): StorageRow {
  checkColumns(model, data)
  const row: StorageRow = { ...current }
  for (const [field, value] of Object.entries(data)) {
    if (value === undefined) continue
    if ((field === 'id' || field === 'tenantId') && value !== current[field]) {
      throw new RapportError('STORAGE_FAILURE', `${model.name}.${field} cannot be changed`, {
        details: { model: model.name, field },
      })
    }
    row[field] = copyValue(value)
  }
  checkRequired(model, row)
  return row
}
