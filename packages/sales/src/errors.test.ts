import { describe, expect, it } from 'vitest'
import { SalesErrorCodes } from './errors.js'
import { ProductErrorCodes } from './products/product-errors.js'
import { ReceivableErrorCodes } from './receivables/receivable-errors.js'

describe('SalesErrorCodes', () => {
  it('is the one table: every code a sub-module throws is in it, each once, all SALES_*', () => {
    const codes = Object.values(SalesErrorCodes) as string[]
    expect(codes).toEqual(expect.arrayContaining(Object.values(ReceivableErrorCodes)))
    expect(codes).toEqual(expect.arrayContaining(Object.values(ProductErrorCodes)))
    expect(new Set(codes).size).toBe(codes.length)
    for (const code of codes) expect(code).toMatch(/^SALES_[A-Z_]+$/)
  })
})
