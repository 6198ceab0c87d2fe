import { describe, expect, it } from 'vitest'
import { isRapportError } from '../../src/index.js'
import { setupCrm } from './helpers.js'

describe('CrmServices.emit', () => {
  it('delivers a domain event after commit, and never when the unit of work rolls back', async () => {
    const { crm } = await setupCrm()
    const seen: unknown[] = []
    crm.events.on('record.merged', (payload) => {
      seen.push(payload)
    })
    await crm.transaction(async (tx) => {
      await tx.contacts.create({ firstName: 'Ada' })
      tx.emit('record.merged', { n: 1 })
      expect(seen).toEqual([])
    })
    expect(seen).toEqual([{ n: 1 }])
    const failed = await crm
      .transaction(async (tx) => {
        tx.emit('record.merged', { n: 2 })
        throw new Error('boom')
      })
      .catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(Error)
    expect(seen).toEqual([{ n: 1 }])
  })

  it("refuses malformed types and entities' lifecycle events", async () => {
    const { crm } = await setupCrm()
    for (const type of ['merged', 'contact.created', 'deal.deleted', 'a b.c', '']) {
      let error: unknown
      try {
        crm.emit(type, {})
      } catch (e) {
        error = e
      }
      expect([type, isRapportError(error, 'VALIDATION_FAILED')]).toEqual([type, true])
    }
    expect(() => crm.emit('contact.promoted', {})).not.toThrow()
  })
})
