import type { MessageEventType } from './campaign-entities.js'

/** The forward order of the non-terminal statuses. */
const RANK: Readonly<Record<string, number>> = { targeted: 0, sent: 1, opened: 2, clicked: 3, responded: 4 }

/** The member fields an event changes, given the member as stored. */
export function memberPatch(
  member: Readonly<Record<string, unknown>>,
  event: { readonly type: MessageEventType; readonly at: Date; readonly machine?: boolean },
): Record<string, unknown> {
  const patch: Record<string, unknown> = {}
  const stamp = (field: string) => {
    if (member[field] == null) patch[field] = event.at
  }
  let status: string | null = null
  switch (event.type) {
    case 'sent':
    case 'delivered':
      stamp('sentAt')
      status = 'sent'
      break
    case 'opened':
      // A proxy open says the mail server fetched the pixel, not that a person read it.
      if (event.machine) {
        stamp('machineOpenedAt')
        break
      }
      stamp('openedAt')
      status = 'opened'
      break
    case 'clicked':
      stamp('clickedAt')
      status = 'clicked'
      break
    case 'responded':
      status = 'responded'
      break
    case 'bounced':
      stamp('bouncedAt')
      status = 'bounced'
      break
    case 'unsubscribed':
    case 'complained':
      stamp('unsubscribedAt')
      status = 'unsubscribed'
      break
    default:
      break
  }
  if (event.type === 'clicked' || event.type === 'responded') {
    if (!member['responded']) patch['responded'] = true
    if (member['firstRespondedAt'] == null) patch['firstRespondedAt'] = event.at
  }
  const current = member['status'] as string
  if (status && current !== status && current !== 'unsubscribed') {
    if (status === 'unsubscribed' || (status === 'bounced' && current !== 'bounced')) {
      if (!(status === 'bounced' && (RANK[current] ?? 0) >= RANK['opened']!)) patch['status'] = status
    } else if (current !== 'bounced' && (RANK[status] ?? 0) > (RANK[current] ?? 0)) {
      patch['status'] = status
    }
  }
  return patch
}
