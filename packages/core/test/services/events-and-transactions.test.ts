import { describe, expect, it } from 'vitest'
import { isRapportError } from '../../src/index.js'
import { setupCrm } from './helpers.js'

describe('events and transactions', () => {
  it('emits <entity>.<verb> events with before, after and changed fields', async () => {
    const { crm } = await setupCrm()
    const seen: string[] = []
    crm.events.on('*', (type) => {
      seen.push(type)
    })
    let updated: { changes: readonly string[]; beforeName: string; afterName: string } | null = null
    crm.events.on('company.updated', ({ before, after, changes }) => {
      updated = { changes, beforeName: before.name, afterName: after.name }
    })
    const acme = await crm.companies.create({ name: 'Acme' })
    await crm.companies.update(acme.id, { name: 'Acme Corp', industry: 'Rockets' })
    await crm.companies.archive(acme.id)
    await crm.companies.restore(acme.id)
    await crm.companies.delete(acme.id)
    expect(seen).toEqual([
      'company.created',
      'company.updated',
      'company.archived',
      'company.restored',
      'company.deleted',
    ])
    expect(updated).toEqual({ changes: ['name', 'industry'], beforeName: 'Acme', afterName: 'Acme Corp' })
  })

  it('delivers events only after commit: a handler sees committed data, and nothing before the commit', async () => {
    const { crm } = await setupCrm()
    const delivered: string[] = []
    const visibleAtDelivery: Promise<number>[] = []
    crm.events.on('company.created', ({ id }) => {
      delivered.push(id)
      visibleAtDelivery.push(crm.companies.count())
    })
    await crm.transaction(async (tx) => {
      await tx.companies.create({ name: 'A' })
      await tx.companies.create({ name: 'B' })
      expect(delivered).toEqual([])
    })
    expect(delivered).toHaveLength(2)
    expect(await Promise.all(visibleAtDelivery)).toEqual([2, 2])
  })

  it('drops events on rollback and leaves no data', async () => {
    const { crm } = await setupCrm()
    const delivered: string[] = []
    crm.events.on('company.created', ({ id }) => {
      delivered.push(id)
    })
    await expect(
      crm.transaction(async (tx) => {
        await tx.companies.create({ name: 'A' })
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    expect(delivered).toEqual([])
    expect(await crm.companies.count()).toBe(0)
  })

  it('nested transactions join the outer one', async () => {
    const { crm } = await setupCrm()
    await expect(
      crm.transaction(async (tx) => {
        await tx.companies.create({ name: 'outer' })
        await tx.transaction(async (inner) => {
          await inner.companies.create({ name: 'inner' })
        })
        expect(await tx.companies.count()).toBe(2)
        throw new Error('roll back everything')
      }),
    ).rejects.toThrow()
    expect(await crm.companies.count()).toBe(0)
  })

  it('isolates throwing and rejecting handlers: the write stands, other handlers run, onError hears about it', async () => {
    const { crm, errors } = await setupCrm()
    const calls: string[] = []
    crm.events.on('company.created', () => {
      throw new Error('sync boom')
    })
    crm.events.on('company.created', async () => {
      throw new Error('async boom')
    })
    crm.events.on('company.created', () => {
      calls.push('third')
    })
    const acme = await crm.companies.create({ name: 'Acme' })
    await new Promise((r) => setTimeout(r, 0))
    expect(calls).toEqual(['third'])
    expect(await crm.companies.get(acme.id)).toBeTruthy()
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['async boom', 'sync boom'])
  })

  it('a failing write inside a transaction rolls back the earlier writes too', async () => {
    const { crm } = await setupCrm()
    const err = await crm
      .transaction(async (tx) => {
        await tx.companies.create({ name: 'A' })
        await tx.companies.create({ name: '' })
      })
      .catch((e: unknown) => e)
    expect(isRapportError(err, 'VALIDATION_FAILED')).toBe(true)
    expect(await crm.companies.count()).toBe(0)
  })
})
