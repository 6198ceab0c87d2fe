import { describe, expect, it } from 'vitest'
import { isRapportError, RapportError } from './rapport-error.js'

describe('RapportError', () => {
  it('carries a stable code, details and cause', () => {
    const cause = new Error('driver said no')
    const err = new RapportError('STORAGE_FAILURE', 'write failed', { cause, details: { table: 'contact' } })
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe('STORAGE_FAILURE')
    expect(err.cause).toBe(cause)
    expect(err.details).toEqual({ table: 'contact' })
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: 'RapportError',
      code: 'STORAGE_FAILURE',
      message: 'write failed',
      details: { table: 'contact' },
    })
  })

  it('is recognised across duplicate copies of the package through the global symbol brand', () => {
    // A second copy of the package defines its own class but registers the same global symbol.
    const foreign = Object.assign(new Error('from another copy'), { code: 'NOT_FOUND' })
    Object.defineProperty(foreign, Symbol.for('rapport.error'), { value: true })
    expect(isRapportError(foreign)).toBe(true)
    expect(isRapportError(foreign, 'NOT_FOUND')).toBe(true)
    expect(isRapportError(foreign, 'FORBIDDEN')).toBe(false)
    expect(isRapportError(new Error('plain'))).toBe(false)
    expect(isRapportError({ code: 'NOT_FOUND' })).toBe(false)
    expect(isRapportError(null)).toBe(false)
  })

  it('exposes validation issues', () => {
    const err = new RapportError('VALIDATION_FAILED', 'bad', {
      details: { issues: [{ path: ['email'], message: 'Invalid email', code: 'invalid_format' }] },
    })
    expect(err.issues).toHaveLength(1)
    expect(err.issues[0]?.path).toEqual(['email'])
    expect(new RapportError('NOT_FOUND', 'x').issues).toEqual([])
  })
})
