import type * as z from 'zod'
import type { ValidationIssue } from '../errors/rapport-error.js'
import type { FieldDefinition, IndexDefinition, RelationDefinition } from '../storage/model-definition.js'
import type { StorageValue } from '../storage/storage-filter.js'
import type { StagedEntityDeclaration } from './staged-entity.js'

/**
 * Columns computed by core from a record on every write, e.g. the lower-cased email addresses of a contact that
 * make email lookups indexable. They are readable in filters but never accepted as input.
 */
export interface DerivedColumns {
  /** The extra columns. */
  readonly columns: Readonly<Record<string, FieldDefinition>>
  /** Computes the extra columns from the domain record (system fields included). */
  compute(record: Readonly<Record<string, unknown>>): Record<string, StorageValue>
  /** Public filter paths served by derived columns, e.g. `emails.address` → `emailAddresses`. */
  readonly filterAliases?: Readonly<Record<string, string>>
}

/**
 * Declares an entity: its zod shape (the single source of both its TypeScript type and its runtime validation),
 * storage model details, relations and search fields. Core entities and plugin entities use the same declaration.
 *
 * @example
 * ```ts
 * const invoice = defineEntity({
 *   name: 'invoice',
 *   idPrefix: 'inv',
 *   shape: { number: z.string(), total: moneySchema, contactId: z.string().optional() },
 *   references: { contactId: { model: 'contact', onDelete: 'set null' } },
 * })
 * ```
 */
export interface EntityDefinition<Name extends string = string, Shape extends z.ZodRawShape = z.ZodRawShape> {
  /** Singular logical name, e.g. `contact`. */
  readonly name: Name
  /** Id prefix, e.g. `con`. */
  readonly idPrefix: string
  /** Physical table name (default: the name). */
  readonly table?: string
  /** Domain fields. Use `.optional()` / `.default()` for optional ones; `.meta({ storage: 'text' })` for long text. */
  readonly shape: Shape
  /** Foreign keys by field name (same tenant). */
  readonly references?: Readonly<Record<string, NonNullable<FieldDefinition['references']>>>
  /** Secondary indexes over column names (money fields are `<field>Minor` / `<field>Currency`). */
  readonly indexes?: readonly IndexDefinition[]
  /** Relations usable in `exists` filters. */
  readonly relations?: Readonly<Record<string, RelationDefinition>>
  /** Fields covered by search (strings, or JSON holding strings such as a list of email addresses). */
  readonly searchFields?: readonly string[]
  /** Groups of fields also searched as one phrase (`[['lastName', 'firstName']]` finds `张伟`); see `ModelDefinition`. */
  readonly searchPhrases?: readonly (readonly string[])[]
  /** Columns computed from the record. */
  readonly derived?: DerivedColumns
  /**
   * Filter paths whose stored values are lower-cased (with `toLowerCase()`, e.g. email addresses and domains). A
   * filter value compared with one of them is lower-cased the same way, so `eq 'Dora.Ma@Example.com'` finds the
   * address whatever its spelling: these fields match case-insensitively in filters.
   */
  readonly lowerCasedFields?: readonly string[]
  /** Fields only core or plugins may set (rejected in create/update input). */
  readonly readOnly?: readonly string[]
  /** Cross-field rules checked after schema validation on every write; return the failing issues. */
  validate?(record: Readonly<Record<string, unknown>>): ValidationIssue[]
  /**
   * Makes the entity's status a stage machine on core's pipelines (plugin entities only; see
   * {@link StagedEntityDeclaration}).
   */
  readonly staged?: StagedEntityDeclaration
}

/** Identity helper that keeps literal types for {@link EntityDefinition}s. */
export function defineEntity<const Name extends string, const Shape extends z.ZodRawShape>(
  definition: EntityDefinition<Name, Shape>,
): EntityDefinition<Name, Shape> {
  return definition
}
