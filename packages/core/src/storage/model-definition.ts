/**
 * The storage-level description of an entity: a flat set of typed columns. Core derives these from its zod domain
 * schemas plus plugin schema extensions, and hands them to the adapter with every call, so adapters never hold
 * schema state of their own.
 */

/**
 * The column types an adapter must store and return faithfully.
 *
 * - `string`: short text, compared by Unicode code point (binary collation).
 * - `text`: long text (notes, bodies); same semantics as `string`, may be excluded from indexes.
 * - `integer`: a safe integer (|n| ≤ 2^53 − 1), e.g. money in minor units, versions.
 * - `number`: a finite double.
 * - `boolean`: `true` or `false`.
 * - `datetime`: an instant with millisecond precision; a `Date` in and out.
 * - `date`: a calendar date as a `YYYY-MM-DD` string; compares lexicographically.
 * - `json`: any JSON value (custom fields, arrays of emails); filterable through `FieldRef.path`.
 */
export type StorageFieldType =
  | 'string'
  | 'text'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'json'

/** One column of a model. */
export interface FieldDefinition {
  /** The column's value type. */
  readonly type: StorageFieldType
  /** When false (the default) the column accepts `null`. */
  readonly required?: boolean
  /** For `json` columns holding an array of scalars: lets `in`/`eq` filters test membership. */
  readonly array?: boolean
  /** A foreign key to another model's `id`, within the same tenant. */
  readonly references?: { readonly model: string; readonly onDelete?: 'cascade' | 'set null' | 'restrict' }
}

/** A secondary index. `tenantId` is always implied as the leading column by SQL adapters. */
export interface IndexDefinition {
  /** A stable name, unique within the model, e.g. `by_owner`. */
  readonly name: string
  /** Columns in index order. A `path` indexes a JSON path (e.g. an indexable custom field). */
  readonly fields: readonly (string | { readonly field: string; readonly path: readonly string[] })[]
  /** A unique index: uniqueness is always per tenant. */
  readonly unique?: boolean
  /**
   * Fields stored in the index after its key, so a query reading and filtering only the key, `id` and these fields is
   * answered from the index alone (no table look-up per row). Postgres `INCLUDE (…)`; SQLite appends them to the key
   * after `id`, except on a unique index, where they would change what it enforces, so SQLite leaves them out there.
   * They never change what the index orders or enforces. Adapters without secondary indexes ignore them.
   *
   * @example
   * ```ts
   * { name: 'by_customer_occurred_amount', fields: ['customerId', 'occurredAt'], include: ['amountMinor', 'status'], replaces: ['by_customer_occurred'] }
   * ```
   */
  readonly include?: readonly string[]
  /**
   * Names of earlier indexes of this model that this one supersedes: a migration drops each of them, when present,
   * after this index exists. Index definitions are only ever added, so a changed index gets a new name and lists the
   * old one here.
   */
  readonly replaces?: readonly string[]
}

/**
 * How a relation named in an `exists` filter reaches the related model.
 *
 * - `hasMany`: related rows whose `foreignKey` equals this row's `id` (company → deals via `companyId`).
 * - `belongsTo`: the related row whose `id` equals this row's `localKey` (deal → company via `companyId`).
 * - `through`: a join model; `throughFrom` points at this row, `throughTo` at the related row, and `throughWhere`
 *   pins polymorphic joins (e.g. `targetType = 'contact'`).
 */
export type RelationDefinition =
  | { readonly kind: 'hasMany'; readonly model: string; readonly foreignKey: string }
  | { readonly kind: 'belongsTo'; readonly model: string; readonly localKey: string }
  | {
      readonly kind: 'through'
      readonly model: string
      readonly through: string
      readonly throughFrom: string
      readonly throughTo: string
      readonly throughWhere?: Readonly<Record<string, string>>
    }

/**
 * A model as the adapter sees it. Core's models all carry the system columns `id` and `tenantId` (string),
 * `createdAt` and `updatedAt` (datetime), `version` (integer) and `archivedAt` (datetime, nullable); they are listed
 * in `fields` like any other column. Adapters rely only on `id` (the primary key within a tenant).
 */
export interface ModelDefinition {
  /** Logical name, e.g. `contact`. Also the default table name. */
  readonly name: string
  /** Physical table name; SQL adapters may prefix it. */
  readonly table: string
  /** The id prefix, e.g. `con`. */
  readonly idPrefix: string
  /** Every column, system columns included, keyed by field name. */
  readonly fields: Readonly<Record<string, FieldDefinition>>
  /** Secondary indexes. */
  readonly indexes: readonly IndexDefinition[]
  /** Relations usable in `exists` filters, keyed by relation name. */
  readonly relations: Readonly<Record<string, RelationDefinition>>
  /**
   * Fields covered by search. A model with search fields also carries the string fields `searchTerms` and
   * `searchKeys` (`searchDocumentFields`), which core fills with `searchDocument()` on every write; adapters index
   * `searchTerms` and match with `parseSearchQuery()` (see the search guide).
   */
  readonly searchFields: readonly string[]
  /**
   * Groups of string fields also searched as one phrase, in order, e.g. `[['firstName', 'lastName'],
   * ['lastName', 'firstName']]`: `Ada Lovelace` and `张伟` (surname `张`, given name `伟`) are then found whole.
   */
  readonly searchPhrases?: readonly (readonly string[])[]
  /**
   * Field paths whose stored values core lower-cases (emails, domains), for consumers that evaluate filters on domain
   * records (automation) and must lower-case the same way. Adapters need not read it: filter values reach them
   * already lower-cased.
   */
  readonly lowerCasedFields?: readonly string[]
  /** Which plugin declared the model; absent for core models. */
  readonly plugin?: string
}

/** The resolved schema: core models plus every plugin's models and extra fields. */
export interface StorageSchema {
  /** Bumped by core whenever the shape of a core model changes. */
  readonly version: number
  /** Every model keyed by its name. */
  readonly models: Readonly<Record<string, ModelDefinition>>
}

/** The arguments common to every call: which model, in which tenant. */
export interface ModelScope {
  /** The model, with its columns, indexes and relations. */
  readonly model: ModelDefinition
  /** Every read and write is confined to this tenant. */
  readonly tenantId: string
  /** The whole schema, for resolving relations in `exists` filters. */
  readonly schema: StorageSchema
}
