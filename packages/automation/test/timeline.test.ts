import { describe, expect, it } from 'vitest'
import type { AutomationRule } from '../src/index.js'
import { setup } from './helpers.js'

const welcome: AutomationRule = {
  id: 'welcome',
  name: 'Welcome new contacts',
  entity: 'contact',
  trigger: { type: 'record', events: ['created'] },
  actions: [{ type: 'createTask', title: 'Call {{record.firstName}}', dueIn: { days: 1 } }],
}

describe('automation runs on the customer timeline', () => {
  it('shows each enrollment of the contact as an automation entry, filterable by kind', async () => {
    const { crm, engine } = await setup({ rules: [welcome] })
    const ada = await crm.contacts.create({ firstName: 'Ada' })
    const bob = await crm.contacts.create({ firstName: 'Bob' })
    await engine.runDue()
    const page = await crm.timeline.page({ type: 'contact', id: ada.id }, { kinds: ['automation'] })
    expect(
      page.items.map((i) => [i.kind, i.record['ruleId'], i.record['recordId'], i.record['status']]),
    ).toEqual([['automation', 'welcome', ada.id, 'completed']])
    expect(crm.timeline.kinds('contact')).toContain('automation')
    const bobs = await crm.timeline.page({ type: 'contact', id: bob.id }, { kinds: ['automation'] })
    expect(bobs.items.map((i) => i.record['recordId'])).toEqual([bob.id])
  })
})
