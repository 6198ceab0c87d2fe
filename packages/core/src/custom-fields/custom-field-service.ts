import type { Session } from '../crm/session.js'
import { RapportError } from '../errors/rapport-error.js'
import { failValidation, toIssues } from '../services/record-validation.js'
import type { StorageFilter } from '../storage/storage-filter.js'
import type { CustomFieldService } from '../types/custom-field-service.js'
import type { CustomFieldDefinition } from './custom-field-definition.js'
import { customFieldDefinitionSchema } from './custom-field-definition.js'

function eq(field: string, value: string): StorageFilter {
  return { kind: 'compare', ref: { field, type: 'string' }, op: 'eq', value }
}

/** The implementation of {@link CustomFieldService}. */
export class CustomFieldServiceImpl implements CustomFieldService {
  readonly #session: Session

  /** @internal */
  constructor(session: Session) {
    this.#session = session
  }

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

  async list(entity: string): Promise<readonly CustomFieldDefinition[]> {
    const runtime = this.#session.runtime
    return runtime.schema.customFieldsOf(
      entity,
      await runtime.customFields(this.#session.tenantId, this.#session.ops),
    )
  }

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

  refresh(): void {
    this.#session.runtime.invalidateCustomFields(this.#session.tenantId)
  }
}
