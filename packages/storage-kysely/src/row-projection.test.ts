import type { FieldDefinition, StorageValue } from '@rapport/core/storage'
import { describe, expect, it } from 'vitest'
import { mapModel } from './model-mapping.js'
import { rowDecoder } from './row-codec.js'
import { rowProjection } from './row-projection.js'
import type { SqlDialect } from './sql-dialect.js'

const tagging = {
  decodeValue: (value: unknown, field: FieldDefinition): StorageValue => `${field.type}:${String(value)}`,
} as unknown as SqlDialect

const mapping = mapModel({
  name: 'thing',
  table: 'thing',
  idPrefix: 'thi',
  fields: {
    id: { type: 'string' },
    tenantId: { type: 'string' },
    createdAt: { type: 'datetime' },
    label: { type: 'string' },
    searchTerms: { type: 'text' },
    custom: { type: 'json' },
  },
  indexes: [],
  relations: {},
  searchFields: [],
})

describe('rowProjection', () => {
  it('selects the asked fields in column order, whatever order they were asked in', () => {
    const projection = rowProjection(mapping, ['custom', 'id', 'createdAt'])
    expect(projection.all).toBe(false)
    expect(projection.columns.map((c) => c.field)).toEqual(['id', 'createdAt', 'custom'])
  })

  it('reads every column when no fields, every field, or a field the model lacks is asked for', () => {
    expect(rowProjection(mapping, undefined).all).toBe(true)
    expect(
      rowProjection(
        mapping,
        mapping.columns.map((c) => c.field),
      ).all,
    ).toBe(true)
    expect(rowProjection(mapping, ['id', 'nope']).all).toBe(true)
  })

  it('is computed once per field list, by array and by content', () => {
    const fields = ['id', 'label']
    expect(rowProjection(mapping, fields)).toBe(rowProjection(mapping, fields))
    expect(rowProjection(mapping, [...fields])).toBe(rowProjection(mapping, fields))
  })

  it('decodes exactly the projected fields, missing and null as null', () => {
    const projection = rowProjection(mapping, ['id', 'createdAt', 'custom'])
    const decode = rowDecoder(mapping, tagging, projection)
    expect(decode({ id: 'thi_1', created_at: 5, custom: null, label: 'unread', search_terms: 'x' })).toEqual({
      id: 'string:thi_1',
      createdAt: 'datetime:5',
      custom: null,
    })
    expect(rowDecoder(mapping, tagging, projection)).toBe(decode)
    expect(rowDecoder(mapping, tagging)).not.toBe(decode)
  })
})
