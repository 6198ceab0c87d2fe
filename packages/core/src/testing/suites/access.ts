import type { AccessPolicy, FieldRights } from '../../access/access-policy.js'
import { createCrm } from '../../crm/create-crm.js'
import { isRapportError } from '../../errors/rapport-error.js'
import type { Filter } from '../../filter/filter-types.js'
import { definePlugin } from '../../plugins/crm-plugin.js'
import { check, checkEqual } from '../conformance-assert.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'

/** The entities the kit's policy scopes by `ownerId`: reps see and change their own records only. */
const OWNED = new Set(['contact', 'company', 'deal'])

const MASKED: FieldRights = {
  hidden: new Set(),
  masked: new Map([['phones', () => '***']]),
  readOnly: new Set(),
}

/**
 * The kit's access policy, written against core's port as a host would: own contacts, companies and deals; orders
 * of an own contact (an `exists` in the scope itself); phones masked for every actor. No actor (the host's own
 * maintenance code) is unrestricted.
 */
const ownRecords: AccessPolicy = {
  scope: ({ entity, actor }): Filter | null => {
    if (!actor) return null
    if (OWNED.has(entity)) return { field: 'ownerId', op: 'eq', value: actor.id }
    if (entity === 'order') {
      return { exists: 'contact', where: { field: 'ownerId', op: 'eq', value: actor.id } }
    }
    return null
  },
  fields: ({ entity, actor }) => (actor && entity === 'contact' ? MASKED : null),
}

/** Ann's and Bob's records, written by the host (no actor). Ann's deal sits on Bob's company. */
async function seed(ctx: ConformanceContext) {
  const crm = createCrm({
    storage: ctx.storage,
    tenantId: ctx.tenantId,
    plugins: [definePlugin({ id: 'kitAccess', access: ownRecords })],
  })
  await crm.migrate()
  const pipeline = await crm.pipelines.create({
    name: 'Sales',
    stages: [{ name: 'New' }, { name: 'Proposal' }, { name: 'Won', kind: 'won' }],
  })
  const [first, second] = pipeline.stages
  const record = async (owner: string) => {
    const contact = await crm.contacts.create({
      firstName: `Kit${owner}`,
      lastName: 'Zephyrine',
      ownerId: owner,
      phones: [{ number: '+14155550101' }],
    })
    const company = await crm.companies.create({ name: `Zephyrine ${owner}`, ownerId: owner })
    const order = await crm.orders.create({
      customerType: 'contact',
      customerId: contact.id,
      occurredAt: new Date('2024-01-02T00:00:00Z'),
      amount: { amountMinor: owner === 'ann' ? 7000 : 300, currency: 'EUR' },
    })
    return { contact, company, order }
  }
  const ann = await record('ann')
  const bob = await record('bob')
  const annDeal = await crm.deals.create({
    name: 'Ann on Bob',
    ownerId: 'ann',
    pipelineId: pipeline.id,
    stageId: first!.id,
    companyId: bob.company.id,
    amount: { amountMinor: 5000, currency: 'EUR' },
  })
  await crm.deals.moveStage(annDeal.id, second!.id)
  const bobDeal = await crm.deals.create({
    name: 'Bob alone',
    ownerId: 'bob',
    pipelineId: pipeline.id,
    stageId: first!.id,
  })
  await crm.deals.addContact(bobDeal.id, ann.contact.id)
  await crm.deals.addContact(bobDeal.id, bob.contact.id)
  return {
    host: crm,
    asBob: crm.scoped({ actor: { id: 'bob' } }),
    ann: { ...ann, deal: annDeal },
    bob: { ...bob, deal: bobDeal },
    pipeline,
  }
}

/** The error a promise rejects with (a `RapportError`), or a failed check when it resolves. */
async function errorOf(promise: Promise<unknown>, what: string) {
  try {
    await promise
  } catch (error) {
    check(isRapportError(error), `${what}: expected a RapportError, got ${String(error)}`)
    return error
  }
  throw new Error(`${what}: expected a refusal, but it succeeded`)
}

/**
 * Refused with exactly the code and message a missing id gets: `NOT_FOUND` for a record read or written by id, the
 * reference error of a link target (`VALIDATION_FAILED` on the field) for a link to a record outside the scope.
 */
async function checkHidden(
  what: string,
  outside: () => Promise<unknown>,
  missing: () => Promise<unknown>,
  id: string,
  missingId: string,
  code = 'NOT_FOUND',
) {
  const refused = await errorOf(outside(), what)
  const absent = await errorOf(missing(), `${what} (missing id)`)
  checkEqual(refused.code, code, `${what}: a record outside the scope is ${code}`)
  checkEqual(absent.code, code, `${what}: a missing id is ${code}`)
  checkEqual(
    refused.message.replaceAll(id, '<id>'),
    absent.message.replaceAll(missingId, '<id>'),
    `${what}: the message is the one a missing id gets, so existence does not leak`,
  )
}

const ids = (items: readonly { id: string }[]) => items.map((i) => i.id).sort()

/**
 * The access port through `createCrm` on this adapter: a policy's scope reaches every read path (get, list, count,
 * iterate, search, `exists`, related lists, aggregates) and every write path (link targets, update, archive,
 * delete), and whatever lies outside it is `NOT_FOUND`. Core compiles the scope into storage filters, so an adapter
 * that drops a filter on one of these paths (an `exists`, an aggregation, a search) leaks records here.
 */
export const accessSuite: ConformanceSuite = {
  name: 'access',
  description:
    "createCrm on this adapter keeps a policy's scope on every read and write path, and answers NOT_FOUND outside it",
  timeoutMs: 30_000,
  tests: {
    'reads outside the scope are NOT_FOUND or absent: get, find, list, count, iterate and search': async (
      ctx,
    ) => {
      const { asBob, ann, bob } = await seed(ctx)
      await checkHidden(
        'contacts.get',
        () => asBob.contacts.get(ann.contact.id),
        () => asBob.contacts.get('con_kit_missing'),
        ann.contact.id,
        'con_kit_missing',
      )
      checkEqual(await asBob.contacts.find(ann.contact.id), null, 'find answers null outside the scope')
      checkEqual(ids((await asBob.contacts.list()).items), [bob.contact.id], 'list holds only own contacts')
      checkEqual(await asBob.contacts.count(), 1, 'count holds only own contacts')
      const iterated: string[] = []
      for await (const c of asBob.contacts.iterate({ limit: 1 })) iterated.push(c.id)
      checkEqual(iterated, [bob.contact.id], 'iterate holds only own contacts')
      // Search is the kit's `search` suite's business on adapters without full-text search.
      if (!ctx.storage.capabilities.fullTextSearch) return
      checkEqual(
        ids(await asBob.contacts.search('Zephyrine')),
        [bob.contact.id],
        'search finds only own contacts',
      )
      checkEqual(
        ids(await asBob.companies.search('Zephyrine')),
        [bob.company.id],
        'search finds only own companies',
      )
    },

    'exists across a relation applies the related entity scope': async (ctx) => {
      const { host, asBob, bob } = await seed(ctx)
      const withDeals: Filter = { exists: 'deals' }
      checkEqual(await host.companies.count({ where: withDeals }), 1, 'the host sees the deal on the company')
      checkEqual(
        await asBob.companies.count({ where: withDeals }),
        0,
        "Bob's company holds only Ann's deal, which Bob cannot see: exists must not match it",
      )
      const bigDeals: Filter = {
        exists: 'deals',
        where: { field: 'amount.amountMinor', op: 'gte', value: 1000 },
      }
      checkEqual(
        ids((await asBob.companies.list({ where: bigDeals })).items),
        [],
        'an exists probing the amount of an unseen deal finds nothing',
      )
      checkEqual(ids((await asBob.companies.list()).items), [bob.company.id], 'Bob still sees his company')
    },

    'related lists and stage history follow the scope of their records': async (ctx) => {
      const { asBob, ann, bob } = await seed(ctx)
      const linked = (await asBob.deals.listContacts(bob.deal.id)).map((e) => e.contact.id)
      checkEqual(linked, [bob.contact.id], "the deal's related list leaves out Ann's contact")
      await checkHidden(
        'deals.listContacts',
        () => asBob.deals.listContacts(ann.deal.id),
        () => asBob.deals.listContacts('deal_kit_missing'),
        ann.deal.id,
        'deal_kit_missing',
      )
      await checkHidden(
        'deals.stageHistory',
        () => asBob.deals.stageHistory(ann.deal.id),
        () => asBob.deals.stageHistory('deal_kit_missing'),
        ann.deal.id,
        'deal_kit_missing',
      )
    },

    'aggregates see only the orders in scope': async (ctx) => {
      const { host, asBob, ann, bob } = await seed(ctx)
      const options = { asOf: '2024-06-01T00:00:00Z', timeUnit: 'day', currency: 'EUR' } as const
      const all = await host.orders.customerSummaries(options)
      checkEqual(
        all.customers.map((c) => c.customerId).sort(),
        [ann.contact.id, bob.contact.id].sort(),
        'the host summarises both customers',
      )
      const mine = await asBob.orders.customerSummaries(options)
      checkEqual(
        mine.customers.map((c) => [c.customerId, c.total]),
        [[bob.contact.id, 300]],
        "Bob's summaries hold only his customer's orders, whether the adapter aggregates or core scans",
      )
      checkEqual(ids((await asBob.orders.list()).items), [bob.order.id], 'and so does the order list')
    },

    'a link to an unseen record fails as a missing one; updates, archives and deletes outside the scope are NOT_FOUND; nothing is written':
      async (ctx) => {
        const { host, asBob, ann, pipeline } = await seed(ctx)
        const dealsBefore = await host.deals.count()
        await checkHidden(
          'a deal linked to an unseen company',
          () =>
            asBob.deals.create({
              name: 'Probe',
              ownerId: 'bob',
              pipelineId: pipeline.id,
              stageId: pipeline.stages[0]!.id,
              companyId: ann.company.id,
            }),
          () =>
            asBob.deals.create({
              name: 'Probe',
              ownerId: 'bob',
              pipelineId: pipeline.id,
              stageId: pipeline.stages[0]!.id,
              companyId: 'com_kit_missing',
            }),
          ann.company.id,
          'com_kit_missing',
          'VALIDATION_FAILED',
        )
        checkEqual(await host.deals.count(), dealsBefore, 'no deal was written')
        const before = await host.contacts.get(ann.contact.id)
        for (const [what, write] of [
          ['update', () => asBob.contacts.update(ann.contact.id, { title: 'Taken' })],
          ['archive', () => asBob.contacts.archive(ann.contact.id)],
          ['delete', () => asBob.contacts.delete(ann.contact.id)],
        ] as const) {
          const refused = await errorOf(write(), `contacts.${what}`)
          checkEqual(refused.code, 'NOT_FOUND', `contacts.${what} of an unseen contact is NOT_FOUND`)
        }
        checkEqual(await host.contacts.get(ann.contact.id), before, "Ann's contact is unchanged")
      },

    'masked fields come back masked and cannot be filtered on': async (ctx) => {
      const { host, asBob, bob } = await seed(ctx)
      const own = await asBob.contacts.get(bob.contact.id)
      checkEqual(own.phones as unknown, '***', 'a masked field is returned masked')
      const refused = await errorOf(
        asBob.contacts.count({ where: { field: 'phones', op: 'isNull', value: true } }),
        'a filter on a masked field',
      )
      checkEqual(refused.code, 'FIELD_FORBIDDEN', 'filtering on a masked field is FIELD_FORBIDDEN')
      const clear = await host.contacts.get(bob.contact.id)
      checkEqual(clear.phones[0]?.number, '+14155550101', 'the stored value is intact')
    },
  },
}
