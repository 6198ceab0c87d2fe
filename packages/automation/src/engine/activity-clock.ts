import type { CrmServices } from '@rapport/core'

/** Entities whose last activity (and, for deals, stage entry) the engine tracks for inactivity triggers. */
export const CLOCKED = new Set(['contact', 'company', 'deal'])

/**
 * Moves a record's activity clock forward (never back: an older activity logged late does not rewind it), creating
 * the clock when the record has none yet.
 */
export async function touchClock(
  tx: CrmServices,
  entity: string,
  recordId: string,
  patch: Record<string, unknown>,
): Promise<void> {
  const clocks = tx.entity<{ id: string; lastActivityAt: Date | null }>('automationClock')
  const page = await clocks.list({
    where: {
      and: [
        { field: 'entity', op: 'eq', value: entity },
        { field: 'recordId', op: 'eq', value: recordId },
      ],
    },
    limit: 1,
  })
  const current = page.items[0]
  if (!current) await clocks.create({ entity, recordId, ...patch })
  else {
    const last = current.lastActivityAt
    const next = patch['lastActivityAt'] as Date | undefined
    if (next && last && last >= next) delete patch['lastActivityAt']
    if (Object.keys(patch).length > 0) await clocks.update(current.id, patch)
  }
}

/** Starts the clocks of records just created (their creation is their last activity; a deal's stage was entered then). */
export async function startClocks(
  tx: CrmServices,
  entity: string,
  records: readonly Record<string, unknown>[],
): Promise<void> {
  await tx.entity('automationClock').createMany(
    records.map((r) => {
      const at = r['createdAt'] as Date
      return {
        entity,
        recordId: r['id'],
        lastActivityAt: at,
        ...(entity === 'deal' ? { stageId: r['stageId'], stageEnteredAt: at } : {}),
      }
    }),
  )
}
