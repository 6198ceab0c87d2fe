import { accessControl, defineAccessPolicy } from '@rapport/access'

/**
 * Who the demo's users are: `alice` is an admin; `bob` is a sales rep who sees his own contacts and deals, every
 * company and pipeline, and contacts' phones and emails masked. The UI's "Signed in as" switch picks one (the
 * stand-in authentication reads it from `x-demo-user`). See docs/guides/access.md.
 */
export const demoPolicy = defineAccessPolicy({
  roles: {
    admin: { entities: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } },
    rep: {
      entities: {
        contact: { read: 'own', create: 'own', update: 'own' },
        company: { read: 'all' },
        deal: { read: 'own', create: 'own', update: 'own' },
        pipeline: { read: 'all' },
        activity: { read: 'all' },
        task: { read: 'all' },
        ticket: { read: 'all' },
      },
      fields: { contact: { phones: { mask: 'phone' }, emails: { mask: 'email' } } },
    },
  },
  users: { alice: { roles: ['admin'] }, bob: { roles: ['rep'] } },
})

/** The access plugin of the demo. */
export const demoAccess = () => accessControl(demoPolicy)
