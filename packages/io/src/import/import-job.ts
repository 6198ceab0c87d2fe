import type { CrmServices } from '@rapport/core'
import { isRapportError, RapportError } from '@rapport/core'
import type { ImportMapping } from '../mapping/import-mapping.js'
import { importMappingSchema } from '../mapping/import-mapping.js'

/** An import job as stored (`ioImport`). */
export interface ImportJob {
  readonly id: string
  readonly entity: string
  readonly key: string | null
  readonly status: 'running' | 'completed'
  readonly line: number
  readonly headers: readonly string[]
  readonly upsertKey: string | null
  readonly counts: { created: number; updated: number; unchanged: number; skipped: number; failed: number }
}

const jobs = (crm: CrmServices) => {
  try {
    return crm.entity<ImportJob>('ioImport')
  } catch (error) {
    throw new RapportError(
      'IO_PLUGIN_REQUIRED',
      'Install ioPlugin() to run imports (it stores their checkpoints)',
      {
        cause: error,
      },
    )
  }
}

/**
 * The job of an import: the one named by `importId` or an unfinished one with the same `key` (resumed after its
 * checkpoint), or a new one. A resumed job must read the same entity, headers and upsert key (`IO_RESUME_MISMATCH`).
 */
export async function openJob(
  crm: CrmServices,
  request: {
    readonly entity: string
    readonly headers: readonly string[]
    readonly upsertKey: string | null
    readonly importId?: string | undefined
    readonly key?: string | undefined
  },
): Promise<ImportJob> {
  const service = jobs(crm)
  let job: ImportJob | null = null
  if (request.importId !== undefined) job = await service.get(request.importId)
  else if (request.key !== undefined) {
    const page = await service.list({
      where: {
        and: [
          { field: 'key', op: 'eq', value: request.key },
          { field: 'entity', op: 'eq', value: request.entity },
          { field: 'status', op: 'eq', value: 'running' },
        ],
      },
      limit: 1,
    })
    job = page.items[0] ?? null
  }
  if (job) {
    const same =
      job.entity === request.entity &&
      job.upsertKey === request.upsertKey &&
      job.headers.length === request.headers.length &&
      job.headers.every((h, i) => h === request.headers[i])
    if (!same) {
      throw new RapportError(
        'IO_RESUME_MISMATCH',
        'The import to resume read another entity, file layout or upsert key',
        {
          details: { importId: job.id, entity: job.entity, upsertKey: job.upsertKey, headers: job.headers },
        },
      )
    }
    if (job.status === 'completed') {
      // Finished: a new run over the same file starts from the top (and changes nothing).
      return service.update(job.id, {
        status: 'running',
        line: 0,
        counts: { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 },
      })
    }
    return job
  }
  return service.create({
    entity: request.entity,
    key: request.key ?? null,
    headers: [...request.headers],
    upsertKey: request.upsertKey,
    counts: { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 },
  })
}

/** Saves (or replaces) a mapping under a name, for the entity's next imports. */
export async function saveMapping(
  crm: CrmServices,
  entity: string,
  name: string,
  mapping: ImportMapping,
): Promise<void> {
  const parsed = importMappingSchema.safeParse(mapping)
  if (!parsed.success) {
    throw new RapportError('IO_INVALID_MAPPING', 'The mapping is malformed', {
      details: {
        issues: parsed.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
      },
    })
  }
  const service = mappings(crm)
  const existing = await findMapping(crm, entity, name)
  if (existing) await service.update(existing.id, { mapping: parsed.data })
  else await service.create({ entity, name, mapping: parsed.data })
}

/** A saved mapping; `NOT_FOUND` when there is none with that name. */
export async function loadMapping(crm: CrmServices, entity: string, name: string): Promise<ImportMapping> {
  const found = await findMapping(crm, entity, name)
  if (!found)
    throw new RapportError('NOT_FOUND', `No saved mapping "${name}" for ${entity}`, {
      details: { name, entity },
    })
  return found.mapping
}

const mappings = (crm: CrmServices) => {
  try {
    return crm.entity<{ id: string; mapping: ImportMapping }>('ioMapping')
  } catch (error) {
    if (isRapportError(error)) {
      throw new RapportError('IO_PLUGIN_REQUIRED', 'Install ioPlugin() to save mappings', { cause: error })
    }
    throw error
  }
}

async function findMapping(crm: CrmServices, entity: string, name: string) {
  const page = await mappings(crm).list({
    where: {
      and: [
        { field: 'entity', op: 'eq', value: entity },
        { field: 'name', op: 'eq', value: name },
      ],
    },
    limit: 1,
  })
  return page.items[0] ?? null
}
