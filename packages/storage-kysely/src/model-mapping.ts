import { RapportError } from '@rapport/core'
import type { FieldDefinition, ModelDefinition } from '@rapport/core/storage'

/** One field's physical column. */
export interface ColumnMapping {
  /** The field name in storage rows, e.g. `ownerId`. */
  readonly field: string
  /** The SQL column name, e.g. `owner_id`. */
  readonly column: string
  /** The field's definition. */
  readonly definition: FieldDefinition
}

/**
 * The physical layout of one model: table name, and field ↔ column names. Column names are the snake_case of field
 * names (`tenantId` → `tenant_id`); names only ever come from the schema and are always quoted by Kysely.
 */
export interface ModelMapping {
  /** The model. */
  readonly model: ModelDefinition
  /** The physical table: the table prefix plus `model.table`. */
  readonly table: string
  /** Every column, in the order of `model.fields`. */
  readonly columns: readonly ColumnMapping[]
  /** Field name → column. */
  readonly byField: ReadonlyMap<string, ColumnMapping>
  /** Column name → column. */
  readonly byColumn: ReadonlyMap<string, ColumnMapping>
}

/**
 * The SQL column name of a field: snake_case, e.g. `amountMinor` → `amount_minor`, `tenantId` → `tenant_id`.
 *
 * @example
 * ```ts
 * columnName('updatedAt') // 'updated_at'
 * ```
 */
export function columnName(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
}

/**
 * Builds the {@link ModelMapping} of a model. Throws `INVALID_CONFIG` when two fields map to the same column or the
 * model lacks `id`/`tenantId`.
 *
 * @example
 * ```ts
 * const mapping = mapModel(model, 'rapport_')
 * mapping.byField.get('ownerId')?.column // 'owner_id'
 * ```
 */
export function mapModel(model: ModelDefinition, tablePrefix = ''): ModelMapping {
  const columns: ColumnMapping[] = []
  const byField = new Map<string, ColumnMapping>()
  const byColumn = new Map<string, ColumnMapping>()
  for (const [field, definition] of Object.entries(model.fields)) {
    const mapping: ColumnMapping = Object.freeze({ field, column: columnName(field), definition })
    const clash = byColumn.get(mapping.column)
    if (clash) {
      throw new RapportError(
        'INVALID_CONFIG',
        `Model "${model.name}": fields "${clash.field}" and "${field}" both map to column "${mapping.column}".`,
        { details: { model: model.name, fields: [clash.field, field] } },
      )
    }
    columns.push(mapping)
    byField.set(field, mapping)
    byColumn.set(mapping.column, mapping)
  }
  for (const required of ['id', 'tenantId']) {
    if (!byField.has(required)) {
      throw new RapportError('INVALID_CONFIG', `Model "${model.name}" has no "${required}" field.`, {
        details: { model: model.name, field: required },
      })
    }
  }
  return Object.freeze({ model, table: `${tablePrefix}${model.table}`, columns, byField, byColumn })
}

/**
 * Caches {@link ModelMapping}s per model object for one storage instance (models are immutable).
 */
export class ModelMappings {
  readonly #prefix: string
  readonly #cache = new WeakMap<ModelDefinition, ModelMapping>()

  constructor(tablePrefix: string) {
    this.#prefix = tablePrefix
  }

  /** The mapping of `model`, computed once. */
  get(model: ModelDefinition): ModelMapping {
    let mapping = this.#cache.get(model)
    if (!mapping) {
      mapping = mapModel(model, this.#prefix)
      this.#cache.set(model, mapping)
    }
    return mapping
  }
}
