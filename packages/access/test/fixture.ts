import type { Crm } from '@rapport/core'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import pg from 'pg'
import { accessControl } from '../src/plugin/access-control.js'
import { defineAccessPolicy } from '../src/policy/define-access-policy.js'

/**
 * A small sales org: reps Ray and Rae in team east (managed by Mia), rep Sam in team west (under east in the
 * hierarchy), and Ada the admin. Reps see their own contacts and deals with phones masked; the manager sees her
 * team tree; the admin sees everything.
 */
export function salesPolicy() {
  return defineAccessPolicy({
    roles: {
      rep: {
        entities: {
          contact: { read: 'own', create: 'own', update: 'own', delete: 'own' },
          deal: { read: 'own', create: 'own', update: 'own', delete: 'none' },
          pipeline: { read: 'all' },
          activity: { read: 'own', create: 'own', update: 'own' },
        },
        fields: {
          contact: { phones: { mask: 'phone' }, emails: { mask: 'email' }, lifecycleStage: { edit: false } },
        },
      },
      manager: {
        entities: {
          contact: { read: 'teamTree', update: 'team', create: 'team' },
          deal: { read: 'teamTree', update: 'subordinates', create: 'team' },
          pipeline: { read: 'all' },
          activity: { read: 'teamTree' },
        },
      },
      admin: { entities: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } },
    },
    teams: [
      { id: 'east', managerId: 'usr_mia', members: ['usr_ray', 'usr_rae'] },
      { id: 'west', parentId: 'east', members: ['usr_sam'] },
    ],
    users: {
      usr_ray: { roles: ['rep'] },
      usr_rae: { roles: ['rep'] },
      usr_sam: { roles: ['rep'] },
      usr_mia: { roles: ['manager'] },
      usr_ada: { roles: ['admin'] },
    },
    systemActors: { automation: { roles: ['admin'] } },
  })
}

/** One adapter under test. */
export interface AccessBackend {
  readonly name: string
  readonly storage: StorageAdapter
  close(): Promise<void>
}

/** SQLite in memory, plus Postgres when `RAPPORT_TEST_PG_URL` is set (each in its own schema). */
export function backends(): (() => AccessBackend)[] {
  const list: (() => AccessBackend)[] = [
    () => ({ name: 'sqlite', storage: createSqliteStorage({ file: ':memory:' }), close: async () => {} }),
  ]
  const url = process.env['RAPPORT_TEST_PG_URL']
  if (url) {
    list.push(() => {
      const schema = `t_access_${Math.random().toString(16).slice(2, 10)}`
      const pool = new pg.Pool({ connectionString: url, max: 4 })
      return {
        name: 'postgres',
        storage: createPostgresStorage({ pool }, { schema }),
        close: async () => {
          await pool.query(`drop schema if exists "${schema}" cascade`)
          await pool.end()
        },
      }
    })
  }
  return list
}

/** A seeded CRM: two contacts and deals per rep, plus one of the admin's. */
export async function seededCrm(storage: StorageAdapter) {
  const policy = salesPolicy()
  const crm = createCrm({ storage, plugins: [accessControl(policy)] as const })
  await crm.migrate()
  const admin = crm.scoped({ actor: { id: 'usr_ada' } })
  const pipeline = await admin.pipelines.create({
    name: 'Sales',
    entityType: 'deal',
    stages: [
      { key: 'new', name: 'New', kind: 'open' },
      { key: 'won', name: 'Won', kind: 'won' },
    ],
  })
  const stageId = pipeline.stages[0]?.id as string
  const people: Record<string, { contactId: string; dealId: string }> = {}
  for (const [i, owner] of ['usr_ray', 'usr_rae', 'usr_sam', 'usr_ada'].entries()) {
    const contact = await admin.contacts.create({
      firstName: 'Client',
      lastName: owner,
      ownerId: owner,
      phones: [{ number: `+861391234567${i}` }],
      emails: [{ address: `client${i}@acme.example` }],
    })
    const deal = await admin.deals.create({
      name: `Deal ${owner}`,
      ownerId: owner,
      pipelineId: pipeline.id,
      stageId,
      amount: { amountMinor: 1000 * (i + 1), currency: 'EUR' },
    })
    await admin.deals.addContact(deal.id, contact.id, { role: 'buyer' })
    people[owner] = { contactId: contact.id, dealId: deal.id }
  }
  return { crm, policy, people, pipeline, stageId, as: (id: string) => crm.scoped({ actor: { id } }) }
}

export type Seeded = Awaited<ReturnType<typeof seededCrm>>
export type { Crm }
