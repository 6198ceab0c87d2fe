import { createCrm } from '../../crm/create-crm.js'
import { check, checkEqual } from '../conformance-assert.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'

/** A CRM over the adapter under test, in the test's tenant, with core's schema migrated. */
async function crmFor(ctx: ConformanceContext) {
  const errors: unknown[] = []
  const crm = createCrm({
    storage: ctx.storage,
    tenantId: ctx.tenantId,
    onError: (error) => errors.push(error),
  })
  await crm.migrate()
  return { crm, errors }
}

class RollbackProbe extends Error {}

/** Domain events through `createCrm`: delivered only after the storage transaction commits, dropped on rollback. */
export const eventsSuite: ConformanceSuite = {
  name: 'events',
  description:
    'createCrm on this adapter delivers events only after commit, and never for rolled-back writes',
  requires: (capabilities) =>
    capabilities.transactions ? true : 'the adapter declares capabilities.transactions = false',
  tests: {
    'events are delivered only after commit, and handlers see committed data': async (ctx) => {
      const { crm, errors } = await crmFor(ctx)
      const delivered: string[] = []
      const visible: Promise<number>[] = []
      crm.events.on('company.created', ({ record }) => {
        delivered.push(record.name)
        visible.push(crm.companies.count())
      })
      await crm.transaction(async (tx) => {
        await tx.companies.create({ name: 'First' })
        await tx.companies.create({ name: 'Second' })
        checkEqual(delivered, [], 'no event is delivered before the commit')
      })
      checkEqual(delivered, ['First', 'Second'], 'both events after the commit')
      checkEqual(await Promise.all(visible), [2, 2], 'handlers see the committed rows')
      checkEqual(errors, [], 'no handler failed')
    },

    'events of a rolled-back transaction are never delivered': async (ctx) => {
      const { crm } = await crmFor(ctx)
      const delivered: string[] = []
      crm.events.on('company.created', ({ record }) => {
        delivered.push(record.name)
      })
      const probe = new RollbackProbe('roll back')
      let caught: unknown
      try {
        await crm.transaction(async (tx) => {
          await tx.companies.create({ name: 'Doomed' })
          throw probe
        })
      } catch (err) {
        caught = err
      }
      check(caught === probe, 'the error propagates out of crm.transaction()')
      checkEqual(delivered, [], 'no event for the rolled-back create')
      checkEqual(await crm.companies.count(), 0, 'and no data')
    },
  },
}
