import { describe, expect, it } from 'vitest'
import { contactLifecycleTemplate } from '../../src/pipeline/index.js'
import { DAY, expectError, setupPipelineCrm } from './helpers.js'

describe('leads and conversion', () => {
  it('gives new leads the default status flow, created from the template on first use', async () => {
    const { crm } = await setupPipelineCrm()
    const lead = await crm.leads.create({ firstName: 'Ada', email: 'Ada@Acme.Example' })
    const flow = await crm.pipelines.get(lead.pipelineId as string)
    expect(flow).toMatchObject({ entityType: 'lead', isDefault: true, policy: 'forwardOnly' })
    expect(flow.stages.map((s) => s.key)).toEqual([
      'new',
      'contacted',
      'qualified',
      'converted',
      'disqualified',
    ])
    expect(lead.stageId).toBe(flow.stages[0]?.id)
    expect(lead.email).toBe('ada@acme.example')
    const second = await crm.leads.create({ companyName: 'Globex' })
    expect(second.pipelineId).toBe(flow.id)
    expect(await crm.pipelines.count({ where: { field: 'entityType', op: 'eq', value: 'lead' } })).toBe(1)
  })

  it('converts a lead into a contact, a company and a deal in one transaction, re-linking its activities', async () => {
    const { crm, pipeline, advance, events } = await setupPipelineCrm()
    const lead = await crm.leads.create({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@acme.example',
      phone: '+4930123456',
      title: 'CTO',
      companyName: 'Acme',
      domain: 'acme.example',
      estimatedValue: { amountMinor: 1_200_000, currency: 'EUR' },
      ownerId: 'usr_alice',
    })
    const call = await crm.activities.create({
      type: 'call',
      occurredAt: new Date(),
      targets: [{ type: 'lead', id: lead.id }],
    })
    const flow = await crm.pipelines.get(lead.pipelineId as string)
    const stageOf = (key: string) => flow.stages.find((s) => s.key === key)?.id as string
    await crm.leads.moveStage(lead.id, stageOf('contacted'))
    advance(DAY)
    const {
      lead: converted,
      contact,
      company,
      deal,
      linked,
      relinked,
    } = await crm.leads.convert(lead.id, { deal: true })
    expect(converted).toMatchObject({
      stageId: stageOf('converted'),
      convertedContactId: contact.id,
      convertedCompanyId: company?.id,
      convertedDealId: deal?.id,
    })
    expect(contact).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      title: 'CTO',
      ownerId: 'usr_alice',
      companyId: company?.id,
    })
    expect(contact.emails).toEqual([{ address: 'ada@acme.example', primary: true }])
    expect(company).toMatchObject({ name: 'Acme', domain: 'acme.example' })
    expect(deal).toMatchObject({
      name: 'Acme',
      pipelineId: pipeline.id,
      leadId: lead.id,
      amount: { amountMinor: 1_200_000 },
    })
    expect(linked).toEqual({ contact: false, company: false })
    expect(relinked).toEqual([call.id])
    expect((await crm.activities.get(call.id)).targets).toEqual([
      { type: 'lead', id: lead.id },
      { type: 'contact', id: contact.id },
      { type: 'deal', id: deal?.id },
    ])
    expect(
      (await crm.deals.listContacts(deal?.id as string)).map((c) => [c.contact.id, c.isPrimary]),
    ).toEqual([[contact.id, true]])
    // Back-links both ways.
    expect(
      (
        await crm.leads.list({ where: { field: 'convertedContactId', op: 'eq', value: contact.id } })
      ).items.map((l) => l.id),
    ).toEqual([lead.id])
    expect(events.filter((e) => e.type === 'lead.converted').map((e) => e.payload['contact'])).toEqual([
      contact,
    ])

    const again = await expectError(crm.leads.convert(lead.id), 'INVALID_TRANSITION')
    expect(again.details['guard']).toBe('converted')
    const moveOut = await expectError(crm.leads.moveStage(lead.id, stageOf('new')), 'INVALID_TRANSITION')
    expect(moveOut.details['guard']).toBe('converted')
    expect(await crm.contacts.count()).toBe(1)
    expect(await crm.leads.get(lead.id)).toEqual(converted)
  })

  it('refuses to convert over an existing contact or company unless asked to link or create', async () => {
    const { crm } = await setupPipelineCrm()
    const acme = await crm.companies.create({ name: 'Acme Inc.', domain: 'acme.example' })
    const ada = await crm.contacts.create({ firstName: 'Ada', emails: [{ address: 'ADA@acme.example' }] })
    const lead = await crm.leads.create({
      firstName: 'Ada',
      email: 'ada@acme.example',
      companyName: 'Acme',
      domain: 'acme.example',
    })
    const err = await expectError(crm.leads.convert(lead.id), 'UNIQUE_VIOLATION')
    expect(err.details).toMatchObject({ existingContactId: ada.id, existingCompanyId: acme.id })
    expect(await crm.contacts.count()).toBe(1)
    expect(await crm.companies.count()).toBe(1)
    expect(await crm.leads.get(lead.id)).toEqual(lead)
    const result = await crm.leads.convert(lead.id, { existing: 'link' })
    expect(result.linked).toEqual({ contact: true, company: true })
    expect(result.contact.id).toBe(ada.id)
    expect(result.contact.companyId).toBe(acme.id)
    expect(result.company?.id).toBe(acme.id)
    expect(result.deal).toBeNull()
    expect(await crm.contacts.count()).toBe(1)
  })

  it('rolls the whole conversion back when a step fails', async () => {
    const { crm } = await setupPipelineCrm()
    const lead = await crm.leads.create({ firstName: 'Ada', companyName: 'Acme' })
    await expectError(
      crm.leads.convert(lead.id, { deal: { pipelineId: 'pip_missing' } }),
      'VALIDATION_FAILED',
    )
    expect(await crm.contacts.count()).toBe(0)
    expect(await crm.companies.count()).toBe(0)
    expect(await crm.deals.count()).toBe(0)
    expect(await crm.leads.get(lead.id)).toEqual(lead)
  })

  it('disqualifies with a reason only, reserves the conversion stage for convert(), and maps fields on request', async () => {
    const { crm, events } = await setupPipelineCrm({
      customFields: {
        lead: [{ key: 'budget', type: 'number' }],
        contact: [{ key: 'budget', type: 'number' }],
      },
    })
    const lead = await crm.leads.create({ firstName: 'Bob', source: 'webinar', custom: { budget: 5000 } })
    const flow = await crm.pipelines.get(lead.pipelineId as string)
    const stageOf = (key: string) => flow.stages.find((s) => s.key === key)?.id as string
    const direct = await expectError(crm.leads.moveStage(lead.id, stageOf('converted')), 'INVALID_TRANSITION')
    expect(direct.details['guard']).toBe('converted')
    const noReason = await expectError(
      crm.leads.moveStage(lead.id, stageOf('disqualified')),
      'INVALID_TRANSITION',
    )
    expect(noReason.details).toMatchObject({ guard: 'reason', missingFields: ['disqualifiedReason'] })
    expect(await crm.leads.get(lead.id)).toEqual(lead)
    const out = await crm.leads.moveStage(lead.id, stageOf('disqualified'), { reason: 'No budget' })
    expect(out.disqualifiedReason).toBe('No budget')
    expect(events.filter((e) => e.type === 'lead.disqualified')).toHaveLength(1)
    const back = await crm.leads.moveStage(lead.id, stageOf('qualified'))
    const { contact } = await crm.leads.convert(back.id, {
      mapping: { contact: { 'custom.budget': 'custom.budget', source: 'source' } },
    })
    expect(contact).toMatchObject({ firstName: 'Bob', source: 'webinar', custom: { budget: 5000 } })
  })
})

describe('contact lifecycle', () => {
  it('follows the default contact lifecycle pipeline forward-only once one exists', async () => {
    const { crm } = await setupPipelineCrm()
    const ada = await crm.contacts.create({ firstName: 'Ada', lifecycleStage: 'mql' })
    // No lifecycle pipeline yet: moves are free.
    const back = await crm.contacts.update(ada.id, { lifecycleStage: 'subscriber' })
    expect(back.lifecycleStage).toBe('subscriber')
    await crm.pipelines.create(contactLifecycleTemplate())
    const forward = await crm.contacts.update(ada.id, { lifecycleStage: 'sql' })
    const err = await expectError(
      crm.contacts.update(ada.id, { lifecycleStage: 'lead' }),
      'INVALID_TRANSITION',
    )
    expect(err.details).toMatchObject({ guard: 'policy', from: 'sql', to: 'lead' })
    expect(err.details['allowed']).toEqual(['opportunity', 'customer', 'evangelist', 'other'])
    expect(await crm.contacts.get(ada.id)).toEqual(forward)
    const other = await crm.contacts.update(ada.id, { lifecycleStage: 'other' })
    expect((await crm.contacts.update(other.id, { lifecycleStage: 'customer' })).lifecycleStage).toBe(
      'customer',
    )
  })
})
