import type { Session } from '../crm/session.js'
import { RapportError } from '../errors/rapport-error.js'
import { failValidation, toIssues } from '../services/record-validation.js'
import type { StorageFilter } from '../storage/storage-filter.js'
import type { CustomFieldDefinition } from './custom-field-definition.js'
import { customFieldDefinitionSchema } from './custom-field-definition.js'

function eq(field: string, value: string): StorageFilter {
  return { kind: 'compare', ref: { field, type: 'string' }, op: 'eq', value }
}

/**
 * Registers custom fields per entity at runtime, per tenant. Definitions are stored, so every process of the host
 * sees them; each process caches them and refreshes on its own changes (call `refresh()` after another process
 * changed them).
 *
 * @example
 * ```ts
 * await crm.customFields.define('deal', { key: 'renewalDate', type: 'date', label: 'Renewal date' })
 * await crm.deals.update(dealId, { custom: { renewalDate: '2027-03-31' } })
 * ```
 */
export class CustomFieldService {
  readonly #session: Session

  /** @internal */
  constructor(session: Session) {
    this.#session = session
  }

  /** Adds a custom field to an entity; `UNIQUE_VIOLATION` when the key exists. */
  async define(entity: string, definition: CustomFieldDefinition): Promise<CustomFieldDefinition> {
    const parsed = customFieldDefinitionSchema.safeParse(definition)
    if (!parsed.success) failValidation('customField', toIssues(parsed.error))
    if (parsed.data.indexed) {
      failValidation('customField', [
        {
          path: ['indexed'],
          message: 'Only custom fields declared in createCrm({ customFields }) can be indexed',
          code: 'custom',
        },
      ])
    }
    const runtime = this.#session.runtime
    const resolved = runtime.schema.entities.get(entity)
    if (!resolved?.hasCustom) {
      failValidation('customField', [
        { path: ['entity'], message: `"${entity}" has no custom fields`, code: 'invalid_value' },
      ])
    }
    if ((runtime.schema.staticCustomFields.get(entity) ?? []).some((f) => f.key === parsed.data.key)) {
      throw new RapportError(
        'UNIQUE_VIOLATION',
        `"${entity}.custom.${parsed.data.key}" is already declared in configuration`,
        {
          details: { entity, key: parsed.data.key },
        },
      )
    }
    const model = runtime.schema.entity('customField')
    await this.#session.write(async (session) => {
      const now = runtime.clock()
      await session.ops.create({
        model: model.model,
        tenantId: session.tenantId,
        schema: runtime.schema.storage,
        data: model.toRow({
          id: runtime.nextId(model.model.idPrefix, now),
          tenantId: session.tenantId,
          createdAt: now,
          updatedAt: now,
          version: 1,
          archivedAt: null,
          entity,
          key: parsed.data.key,
          type: parsed.data.type,
          label: parsed.data.label ?? null,
          required: parsed.data.required ?? false,
          options: parsed.data.options ?? [],
        }),
      })
    })
    runtime.invalidateCustomFields(this.#session.tenantId)
    return { ...parsed.data }
  }

  /** The custom fields of an entity: configuration ones first, then runtime ones. */
  async list(entity: string): Promise<readonly CustomFieldDefinition[]> {
    const runtime = this.#session.runtime
    return runtime.schema.customFieldsOf(
      entity,
      await runtime.customFields(this.#session.tenantId, this.#session.ops),
    )
  }

  /** Removes a runtime custom field. Existing values stay in records until they are next written. */
  async remove(entity: string, key: string): Promise<void> {
    const runtime = this.#session.runtime
    const model = runtime.schema.entity('customField')
    const removed = await this.#session.write((session) =>
      session.ops.deleteMany({
        model: model.model,
        tenantId: session.tenantId,
        schema: runtime.schema.storage,
        where: { kind: 'and', filters: [eq('entity', entity), eq('key', key)] },
      }),
    )
    runtime.invalidateCustomFields(this.#session.tenantId)
    if (removed === 0) {
      throw new RapportError('NOT_FOUND', `No custom field "${entity}.custom.${key}"`, {
        details: { entity, key },
      })
    }
  }

  /** Drops this process's cache, so definitions changed by other processes are seen. */
  refresh(): void {
    this.#session.runtime.invalidateCustomFields(this.#session.tenantId)
  }
}
