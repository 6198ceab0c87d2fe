import { RapportError } from '@rapport/core'
import type { IndexDefinition, StorageSchema } from '@rapport/core/storage'
import type { RawBuilder } from 'kysely'
import { sql } from 'kysely'
import type { ColumnMapping, ModelMapping, ModelMappings } from './model-mapping.js'
import type { SqlDialect } from './sql-dialect.js'

/** One DDL statement: a raw Kysely `sql` fragment with identifiers quoted and no bound parameters. */
export type DdlStatement = RawBuilder<unknown>

/** The longest identifier every supported engine accepts (Postgres truncates at 63 bytes). */
const MAX_IDENTIFIER = 63

/** FNV-1a, for short stable suffixes of over-long identifiers. */
function hash(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

/**
 * A physical object name (index, constraint, trigger) from parts, shortened with a stable hash when it would exceed
 * 63 characters.
 *
 * @example
 * ```ts
 * objectName('deal', 'by_owner_stage') // 'deal_by_owner_stage'
 * ```
 */
export function objectName(...parts: string[]): string {
  const name = parts.join('_')
  if (name.length <= MAX_IDENTIFIER) return name
  return `${name.slice(0, MAX_IDENTIFIER - 9)}_${hash(name)}`
}

function column(mapping: ModelMapping, field: string): ColumnMapping {
  const found = mapping.byField.get(field)
  if (!found) {
    throw new RapportError('INVALID_CONFIG', `Model "${mapping.model.name}" has no field "${field}".`, {
      details: { model: mapping.model.name, field },
    })
  }
  return found
}

function referenced(schema: StorageSchema, mappings: ModelMappings, from: ModelMapping, name: string) {
  const model = schema.models[name]
  if (!model) {
    throw new RapportError(
      'INVALID_CONFIG',
      `Model "${from.model.name}" references unknown model "${name}".`,
      {
        details: { model: from.model.name, references: name },
      },
    )
  }
  return mappings.get(model)
}

/** One foreign key of a model, with everything DDL needs. */
export interface ForeignKeyPlan {
  /** The constraint name. */
  readonly name: string
  /** The referencing column. */
  readonly column: ColumnMapping
  /** The referenced model. */
  readonly target: ModelMapping
  /** What deleting the referenced row does. */
  readonly onDelete: 'cascade' | 'set null' | 'restrict' | undefined
}

/** The foreign keys of a model: one per field with `references`, always `(tenant_id, x_id) → (tenant_id, id)`. */
export function foreignKeys(
  schema: StorageSchema,
  mappings: ModelMappings,
  mapping: ModelMapping,
): ForeignKeyPlan[] {
  return mapping.columns
    .filter((c) => c.definition.references)
    .map((c) => ({
      name: objectName(mapping.table, c.column, 'fkey'),
      column: c,
      target: referenced(schema, mappings, mapping, c.definition.references!.model),
      onDelete: c.definition.references!.onDelete,
    }))
}

function fkClause(mapping: ModelMapping, fk: ForeignKeyPlan, dialect: SqlDialect): RawBuilder<unknown> {
  const tenant = column(mapping, 'tenantId').column
  const targetTenant = column(fk.target, 'tenantId').column
  const targetId = column(fk.target, 'id').column
  let action = sql``
  if (fk.onDelete === 'cascade') action = sql` on delete cascade`
  else if (fk.onDelete === 'restrict') action = sql` on delete restrict`
  else if (fk.onDelete === 'set null' && !dialect.setNullOnDelete) {
    action = sql` on delete set null (${sql.id(fk.column.column)})`
  }
  return sql`constraint ${sql.id(fk.name)} foreign key (${sql.id(tenant)}, ${sql.id(fk.column.column)}) references ${sql.table(fk.target.table)} (${sql.id(targetTenant)}, ${sql.id(targetId)})${action}`
}

/** The trigger-style statements that implement `set null` for a foreign key, when the dialect needs them. */
export function setNullStatements(
  mapping: ModelMapping,
  fk: ForeignKeyPlan,
  dialect: SqlDialect,
): DdlStatement[] {
  if (fk.onDelete !== 'set null' || !dialect.setNullOnDelete) return []
  return [
    ...dialect.setNullOnDelete({
      name: objectName(mapping.table, fk.column.column, 'set_null'),
      table: mapping.table,
      tenantColumn: column(mapping, 'tenantId').column,
      column: fk.column.column,
      referencedTable: fk.target.table,
      referencedTenantColumn: column(fk.target, 'tenantId').column,
      referencedIdColumn: column(fk.target, 'id').column,
    }),
  ]
}

function columnDefinition(c: ColumnMapping, dialect: SqlDialect, forceNullable = false): RawBuilder<unknown> {
  const notNull = c.definition.required && !forceNullable ? sql` not null` : sql``
  return sql`${sql.id(c.column)} ${sql.raw(dialect.columnType(c.definition))}${notNull}`
}

/**
 * `CREATE TABLE IF NOT EXISTS` for a model: every column, `PRIMARY KEY (tenant_id, id)`, and (for `inline`
 * dialects) composite foreign keys `(tenant_id, x_id) → target (tenant_id, id)`.
 */
export function createTableStatement(
  schema: StorageSchema,
  mappings: ModelMappings,
  mapping: ModelMapping,
  dialect: SqlDialect,
): DdlStatement {
  const tenant = column(mapping, 'tenantId').column
  const id = column(mapping, 'id').column
  const parts: RawBuilder<unknown>[] = mapping.columns.map((c) =>
    columnDefinition(
      {
        ...c,
        definition:
          c.field === 'tenantId' || c.field === 'id' ? { ...c.definition, required: true } : c.definition,
      },
      dialect,
    ),
  )
  parts.push(
    sql`constraint ${sql.id(objectName(mapping.table, 'pkey'))} primary key (${sql.id(tenant)}, ${sql.id(id)})`,
  )
  if (dialect.foreignKeys === 'inline') {
    for (const fk of foreignKeys(schema, mappings, mapping)) parts.push(fkClause(mapping, fk, dialect))
  }
  const suffix = dialect.createTableSuffix ? sql` ${sql.raw(dialect.createTableSuffix)}` : sql``
  return sql`create table if not exists ${sql.table(mapping.table)} (${sql.join(parts)})${suffix}`
}

/** `ALTER TABLE … ADD CONSTRAINT` for one foreign key (`alter` dialects). */
export function addForeignKeyStatement(
  mapping: ModelMapping,
  fk: ForeignKeyPlan,
  dialect: SqlDialect,
): DdlStatement {
  return sql`alter table ${sql.table(mapping.table)} add ${fkClause(mapping, fk, dialect)}`
}

/**
 * `ALTER TABLE … ADD COLUMN` for a field added to an existing table (a plugin field). Added columns are nullable
 * unless the engine can backfill; `required` is enforced by core validation for them.
 */
export function addColumnStatement(mapping: ModelMapping, field: string, dialect: SqlDialect): DdlStatement {
  return sql`alter table ${sql.table(mapping.table)} add column ${columnDefinition(column(mapping, field), dialect, true)}`
}

/** The physical name of a model's index. */
export function indexName(mapping: ModelMapping, index: IndexDefinition): string {
  return objectName(mapping.table, index.name)
}

/**
 * `CREATE [UNIQUE] INDEX IF NOT EXISTS` with `tenant_id` leading and, on non-unique indexes, `id` trailing (the keyset
 * tiebreaker); JSON path entries become expression indexes through {@link SqlDialect.jsonPath}, so filters on the
 * same path use them.
 */
export function createIndexStatement(
  mapping: ModelMapping,
  index: IndexDefinition,
  dialect: SqlDialect,
): DdlStatement {
  const keys: RawBuilder<unknown>[] = [sql.id(column(mapping, 'tenantId').column)]
  for (const entry of index.fields) {
    if (typeof entry === 'string') {
      keys.push(sql.id(column(mapping, entry).column))
    } else {
      keys.push(
        sql`(${dialect.jsonPath(sql.id(column(mapping, entry.field).column), entry.path, undefined)})`,
      )
    }
  }
  // Keyset pagination always ends its order with `id`: trailing it on non-unique indexes lets the engine read pages
  // straight off the index (no sort step), e.g. `order by updated_at desc, id desc limit 50`.
  if (!index.unique && !index.fields.includes('id')) keys.push(sql.id(column(mapping, 'id').column))
  const included = (index.include ?? []).map((field) => sql.id(column(mapping, field).column))
  // Postgres stores included columns outside the key (`include`); SQLite has no such clause, so they extend the key,
  // after `id`, where they cannot change the order the key gives (and a unique index keeps its own key only).
  const inKey = dialect.indexInclude === 'include' || index.unique ? [] : included
  const tail =
    dialect.indexInclude === 'include' && included.length > 0 ? sql` include (${sql.join(included)})` : sql``
  const unique = index.unique ? sql`unique ` : sql``
  return sql`create ${unique}index if not exists ${sql.id(indexName(mapping, index))} on ${sql.table(mapping.table)} (${sql.join([...keys, ...inKey])})${tail}`
}

/** `DROP INDEX IF EXISTS` of the index `name` of `mapping`'s model (an index a newer one {@link IndexDefinition.replaces}). */
export function dropIndexStatement(mapping: ModelMapping, name: string): DdlStatement {
  return sql`drop index if exists ${sql.id(objectName(mapping.table, name))}`
}
