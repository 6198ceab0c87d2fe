import type { FieldDefinition, StorageValue } from '@rapport/core/storage'
import { describe, expect, it } from 'vitest'
import { mapModel } from './model-mapping.js'
import { rowDecoder } from './row-codec.js'
import type { SqlDialect } from './sql-dialect.js'

// A dialect whose decodeValue tags every value with its field type, so a decoder that skipped or mixed up a column
// shows; valueDecoder keeps text as it is, like the real dialects.
const tagging = {
  decodeValue: (value: unknown, field: FieldDefinition): StorageValue => `${field.type}:${String(value)}`,
} as unknown as SqlDialect
const withValueDecoder = {
  ...tagging,
  valueDecoder: (field: FieldDefinition) =>
    field.type === 'string' ? null : (value: unknown) => tagging.decodeValue(value, field),
} as SqlDialect

const model = mapModel({
  name: 'thing',
  table: 'thing',
  idPrefix: 'thi',
  fields: {
    id: { type: 'string' },
    tenantId: { type: 'string' },
    createdAt: { type: 'datetime' },
    amountMinor: { type: 'integer' },
    'odd "key"\\': { type: 'json' },
    label: { type: 'string' },
  },
  indexes: [],
  relations: {},
  searchFields: [],
})

describe('rowDecoder', () => {
  it('decodes every column, missing and null as null, exactly as decodeValue field by field', () => {
    const cells = [undefined, null, '', 'a"b\\', 0, 42]
    // Every column takes each kind of cell, in rotating combinations.
    for (let n = 0; n < cells.length ** 2; n++) {
      {
        const values = model.columns.map(
          (_, i) => cells[(n * (i + 1) + Math.floor(n / cells.length) * i) % cells.length],
        )
        const raw: Record<string, unknown> = {}
        model.columns.forEach((c, i) => {
          if (values[i] !== undefined) raw[c.column] = values[i]
        })
        const expected: Record<string, unknown> = {}
        for (const c of model.columns) {
          const v = raw[c.column]
          expected[c.field] =
            v === null || v === undefined
              ? null
              : c.definition.type === 'string'
                ? v
                : tagging.decodeValue(v, c.definition)
        }
        expect(rowDecoder(model, withValueDecoder)(raw)).toEqual(expected)
        const viaDecodeValue = rowDecoder(mapModel(model.model), tagging)(raw)
        for (const c of model.columns) {
          const v = raw[c.column]
          expect(viaDecodeValue[c.field]).toEqual(
            v === null || v === undefined ? null : tagging.decodeValue(v, c.definition),
          )
        }
      }
    }
  })

  it('is compiled once per model and dialect', () => {
    expect(rowDecoder(model, withValueDecoder)).toBe(rowDecoder(model, withValueDecoder))
    expect(rowDecoder(model, tagging)).not.toBe(rowDecoder(model, withValueDecoder))
  })
})
