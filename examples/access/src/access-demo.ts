import { accessControl, defineAccessPolicy } from '@rapport/access'
import { createCrm, isRapportError } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'

/**
 * The policy of a small sales team: reps see and edit their own contacts and deals, with phone numbers masked; Mia
 * manages team east (Ray and Rae) and sees everything her team owns; Ada the admin sees everything.
 */
export const salesTeamPolicy = defineAccessPolicy({
  roles: {
    rep: {
      entities: {
        contact: { read: 'own', create: 'own', update: 'own' },
        deal: { read: 'own', create: 'own', update: 'own' },
        pipeline: { read: 'all' },
      },
      fields: { contact: { phones: { mask: 'phone' } } },
    },
    manager: {
      entities: {
        contact: { read: 'teamTree', update: 'team' },
        deal: { read: 'teamTree', update: 'subordinates' },
        pipeline: { read: 'all' },
      },
    },
    admin: { entities: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } },
  },
  teams: [{ id: 'east', managerId: 'usr_mia', members: ['usr_ray', 'usr_rae'] }],
  users: {
    usr_ray: { roles: ['rep'] },
    usr_rae: { roles: ['rep'] },
    usr_mia: { roles: ['manager'] },
    usr_ada: { roles: ['admin'] },
  },
})

/** What each person sees. */
export interface AccessStory {
  readonly ray: { readonly deals: string[]; readonly phone: string; readonly othersDeal: string }
  readonly mia: { readonly deals: string[]; readonly phone: string }
  readonly handOff: string
}

/** Seeds two reps' deals and contacts, then asks as Ray (a rep) and as Mia (his manager). */
export async function runAccessDemo(storage: StorageAdapter): Promise<AccessStory> {
  const crm = createCrm({ storage, plugins: [accessControl(salesTeamPolicy)] as const })
  await crm.migrate()
  const ada = crm.scoped({ actor: { id: 'usr_ada' } })
  const pipeline = await ada.pipelines.create({
    name: 'Sales',
    stages: [{ name: 'New' }, { name: 'Won', kind: 'won' }],
  })
  const stageId = pipeline.stages[0]?.id as string
  const ids: Record<string, { deal: string; contact: string }> = {}
  for (const [owner, phone] of [
    ['usr_ray', '+8613912345678'],
    ['usr_rae', '+8613800001111'],
  ] as const) {
    const contact = await ada.contacts.create({
      firstName: owner.slice(4),
      ownerId: owner,
      phones: [{ number: phone }],
    })
    const deal = await ada.deals.create({
      name: `Deal of ${owner.slice(4)}`,
      ownerId: owner,
      pipelineId: pipeline.id,
      stageId,
    })
    ids[owner] = { deal: deal.id, contact: contact.id }
  }
  const ray = crm.scoped({ actor: { id: 'usr_ray' } })
  const mia = crm.scoped({ actor: { id: 'usr_mia' } })
  const names = async (services: typeof ray) => (await services.deals.list()).items.map((d) => d.name).sort()
  let othersDeal = 'visible'
  try {
    await ray.deals.get(ids['usr_rae']!.deal)
  } catch (error) {
    if (isRapportError(error, 'NOT_FOUND')) othersDeal = 'NOT_FOUND'
  }
  let handOff = 'allowed'
  try {
    await ray.deals.update(ids['usr_ray']!.deal, { ownerId: 'usr_rae' })
  } catch (error) {
    if (isRapportError(error, 'FORBIDDEN')) handOff = 'FORBIDDEN'
  }
  return {
    ray: {
      deals: await names(ray),
      phone: (await ray.contacts.get(ids['usr_ray']!.contact)).phones[0]?.number ?? '',
      othersDeal,
    },
    mia: {
      deals: await names(mia),
      phone: (await mia.contacts.get(ids['usr_ray']!.contact)).phones[0]?.number ?? '',
    },
    handOff,
  }
}
