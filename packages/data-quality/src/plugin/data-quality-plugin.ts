import type { CrmPlugin, CrmServices } from '@rapport/core'
import { definePlugin, isRapportError, RapportError } from '@rapport/core'
import type { EntityHooks } from '@rapport/core/plugin'
import * as z from 'zod'
import { defaultCompanyRule, defaultPersonRule } from '../duplicates/default-rules.js'
import { duplicateSetEntity, matchKeyEntity, notDuplicateEntity } from '../duplicates/duplicate-entities.js'
import type { DuplicateMatch } from '../duplicates/duplicate-error.js'
import { duplicateHooks } from '../duplicates/duplicate-hooks.js'
import type { DuplicateJobOptions, DuplicateJobResult } from '../duplicates/duplicate-job.js'
import { rebuildMatchKeys, runDuplicateJob } from '../duplicates/duplicate-job.js'
import type { DuplicateRule, DuplicateRuleInput } from '../duplicates/duplicate-rule.js'
import { duplicateRuleSchema } from '../duplicates/duplicate-rule.js'
import { findMatches, orderedPair } from '../duplicates/find-duplicates.js'
import { skipDuplicateCheck } from '../duplicates/skip-duplicate-check.js'
import { mergeEntity } from '../merge/merge-entity.js'
import type { MergeRequest, MergeResult } from '../merge/merge-records.js'
import { mergeRecords } from '../merge/merge-records.js'
import type { DefaultRegion } from '../normalise/phone-input.js'
import { phoneNormalizer } from '../normalise/phone-input.js'
import {
  checkValidationRules,
  parseValidationRules,
  validateRecord,
  validateRecords,
} from '../validation/validate-record.js'
import type { RuleSource } from '../validation/validation-hooks.js'
import {
  storedRuleHooks,
  validationHooks,
  rulesOf as validationRulesOf,
} from '../validation/validation-hooks.js'
import type {
  RuleIssue,
  ValidationOperation,
  ValidationRule,
  ValidationRuleInput,
} from '../validation/validation-rule.js'
import { validationRuleEntity } from '../validation/validation-rule-entity.js'
import { composeHooks } from './compose-hooks.js'

/** Entities whose writes are checked against tenant-stored validation rules by default. */
export const DEFAULT_VALIDATED_ENTITIES: readonly string[] = ['contact', 'company', 'deal', 'lead', 'ticket']

/** Options of {@link dataQualityPlugin}. */
export interface DataQualityOptions {
  /**
   * The region national phone numbers are read in (`US`, `CN`…), or a function giving each tenant's setting. Without
   * it only international numbers (`+…`) are rewritten to E.164.
   */
  readonly defaultRegion?: DefaultRegion
  /** Duplicate rules, as data (default: {@link defaultPersonRule} and {@link defaultCompanyRule}). */
  readonly duplicateRules?: readonly DuplicateRuleInput[]
  /**
   * Validation rules, as data, applied to every tenant (tenants can add their own as `dqValidationRule` records).
   * Checked against their entity's fields when the CRM initialises.
   */
  readonly validationRules?: readonly ValidationRuleInput[]
  /**
   * Entities whose creates and updates are checked against the tenant's stored rules (default
   * {@link DEFAULT_VALIDATED_ENTITIES}; entities of configured rules are always checked). `[]` turns stored rules off.
   */
  readonly validatedEntities?: readonly string[]
}

/** The API of the plugin, as `crm.plugins['data-quality']`. */
export interface DataQualityApi {
  /** The rules in force, defaults applied. */
  readonly rules: readonly DuplicateRule[]
  /** The existing records `data` (a new record's input, or an existing record) duplicates, best first. */
  findDuplicates(entity: string, data: object): Promise<DuplicateMatch[]>
  /**
   * Finds every duplicate among the records of `entity` (streaming the persisted match keys, see
   * {@link runDuplicateJob}) and stores each new duplicate set as `open`.
   */
  findAllDuplicates(entity: string, options?: DuplicateJobOptions): Promise<DuplicateJobResult[]>
  /** Remembers that two records are not duplicates; they are never reported together again. */
  markNotDuplicate(entity: string, a: string, b: string): Promise<void>
  /**
   * Closes an open duplicate set as `dismissed` and remembers each of its pairs as "not a duplicate", so the batch
   * job and the write checks never report them together again.
   */
  dismissDuplicateSet(setId: string): Promise<void>
  /** Recomputes the persisted match keys of every record of `entity`. */
  rebuildMatchKeys(entity: string): Promise<number>
  /**
   * Merges up to five records into a survivor in one transaction: survivorship per field, every relation
   * re-parented, losers tombstoned with `mergedIntoId`; `dryRun` returns the result and writes nothing.
   */
  merge(request: MergeRequest): Promise<MergeResult>
  /** The record an id now stands for: itself, or the survivor it was merged into (following chains). */
  resolve(entity: string, id: string): Promise<Record<string, unknown>>
  /** The configured validation rules, defaults applied. */
  readonly validationRules: readonly ValidationRule[]
  /**
   * Checks `record` (the full record as it would be stored) against the validation rules of `entity` for
   * `operation` (default `import`): configured rules and the tenant's stored ones. Every issue at once, errors and
   * warnings, in zod's issue shape; nothing is written. Pass `crm` to check for another tenant (scoped services).
   */
  validate(
    entity: string,
    record: object,
    options?: { readonly operation?: ValidationOperation; readonly crm?: CrmServices },
  ): Promise<RuleIssue[]>
  /**
   * {@link DataQualityApi.validate} for many records of one entity (an import's batch): the rules are read and
   * compiled once; the issues of `records[i]` are at index `i`.
   */
  validateMany(
    entity: string,
    records: readonly object[],
    options?: { readonly operation?: ValidationOperation; readonly crm?: CrmServices },
  ): Promise<RuleIssue[][]>
  /** Runs `fn` with duplicate checks off (retry after reviewing a `DuplicateError`). */
  skipDuplicateCheck<T>(fn: () => Promise<T>): Promise<T>
}

/**
 * Data quality for a CRM: phone numbers typed in national form (`(415) 555-0101`) are stored as E.164 instead of
 * being refused, and duplicate rules run on every write: match keys are persisted in the write's transaction and
 * looked up through an index on every adapter; a rule allows, warns (an open duplicate set to review) or blocks (a
 * `DuplicateError` listing the matches).
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { dataQualityPlugin } from '@rapport/data-quality'
 *
 * const crm = createCrm({ storage, plugins: [dataQualityPlugin({ defaultRegion: 'US' })] as const })
 * const ada = await crm.contacts.create({ firstName: 'Ada', phones: [{ number: '(415) 555-0101' }] })
 * ada.phones[0].number // '+14155550101'
 * const matches = await crm.plugins['data-quality'].findDuplicates('contact', { emails: [{ address: 'ADA@x.io' }] })
 * ```
 */
export function dataQualityPlugin(
  options: DataQualityOptions = {},
): CrmPlugin<'data-quality', DataQualityApi> {
  const normalize = phoneNormalizer(options.defaultRegion)
  const rules = (options.duplicateRules ?? [defaultPersonRule, defaultCompanyRule]).map((rule, i) => {
    const parsed = duplicateRuleSchema.safeParse(rule)
    if (!parsed.success) {
      throw new RapportError('INVALID_CONFIG', `Invalid duplicate rule at index ${i}`, {
        details: {
          issues: parsed.error.issues.map((x) => ({ path: x.path.map(String), message: x.message })),
        },
      })
    }
    return parsed.data
  })
  const byEntity = new Map<string, DuplicateRule[]>()
  for (const rule of rules) byEntity.set(rule.entity, [...(byEntity.get(rule.entity) ?? []), rule])
  let configured: ValidationRule[]
  try {
    configured = parseValidationRules(options.validationRules ?? [])
  } catch (error) {
    if (!isRapportError(error, 'VALIDATION_FAILED')) throw error
    throw new RapportError('INVALID_CONFIG', `Invalid validation rules: ${error.message}`, {
      details: { issues: error.issues },
    })
  }
  const stored = options.validatedEntities ?? DEFAULT_VALIDATED_ENTITIES
  const validated = new Set([...stored, ...configured.map((r) => r.entity)])
  const source: RuleSource = { configured, stored: stored.length > 0 }
  const hooks: Record<string, EntityHooks> = {}
  for (const [entity, list] of byEntity) hooks[entity] = duplicateHooks(entity, list)
  for (const entity of ['contact', 'lead']) hooks[entity] = composeHooks({ normalize }, hooks[entity])
  for (const entity of validated) hooks[entity] = composeHooks(hooks[entity], validationHooks(entity, source))
  if (source.stored) hooks['dqValidationRule'] = storedRuleHooks(validated)
  const rulesOf = (entity: string) => {
    const list = byEntity.get(entity)
    if (!list) throw new RapportError('VALIDATION_FAILED', `No duplicate rule covers "${entity}"`)
    return list
  }
  return definePlugin({
    id: 'data-quality',
    schema: {
      entities: [matchKeyEntity, duplicateSetEntity, notDuplicateEntity, mergeEntity, validationRuleEntity],
      // Losers keep their id and point at their survivor (Salesforce MasterRecordId).
      extend: Object.fromEntries(
        [...byEntity.keys()].map((entity) => [
          entity,
          { mergedIntoId: z.string().min(1).max(100).nullable().optional() },
        ]),
      ),
    },
    hooks,
    errorCodes: { DUPLICATE: 'The record duplicates existing records; details.matches lists them' },
    async init({ crm }) {
      try {
        await checkValidationRules(crm, configured)
      } catch (error) {
        if (!isRapportError(error, 'VALIDATION_FAILED')) throw error
        throw new RapportError('INVALID_CONFIG', error.message, { details: { issues: error.issues } })
      }
    },
    api: ({ crm, schema }): DataQualityApi => ({
      rules,
      validationRules: configured,
      async validate(entity, record, opts = {}) {
        const services = opts.crm ?? crm
        const list = await validationRulesOf(services, source, entity)
        return validateRecord(services, list, entity, record, opts.operation ?? 'import')
      },
      async validateMany(entity, records, opts = {}) {
        const services = opts.crm ?? crm
        const list = await validationRulesOf(services, source, entity)
        return validateRecords(services, list, entity, records, opts.operation ?? 'import')
      },
      async findDuplicates(entity, input) {
        const data = input as Readonly<Record<string, unknown>>
        const out: DuplicateMatch[] = []
        const self = typeof data['id'] === 'string' ? data['id'] : undefined
        for (const rule of rulesOf(entity)) out.push(...(await findMatches(crm, rule, data, self)))
        return out.sort((a, b) => b.score - a.score)
      },
      async findAllDuplicates(entity, jobOptions) {
        const out: DuplicateJobResult[] = []
        for (const rule of rulesOf(entity)) out.push(await runDuplicateJob(crm, rule, jobOptions))
        return out
      },
      async markNotDuplicate(entity, a, b) {
        await markNotDuplicate(crm, entity, a, b)
      },
      dismissDuplicateSet: (setId) =>
        crm.transaction(async (tx) => {
          const sets = tx.entity<{ entity: string; status: string; pairs: { a: string; b: string }[] }>(
            'dqDuplicateSet',
          )
          const set = await sets.get(setId)
          if (set.status !== 'open') {
            throw new RapportError('INVALID_TRANSITION', `Duplicate set ${setId} is already ${set.status}`, {
              details: { setId, status: set.status },
            })
          }
          for (const pair of set.pairs) await markNotDuplicate(tx, set.entity, pair.a, pair.b)
          await sets.update(setId, { status: 'dismissed' })
        }),
      rebuildMatchKeys: (entity) => rebuildMatchKeys(crm, rulesOf(entity), entity),
      merge: (request) => mergeRecords(crm, schema, rules, request),
      async resolve(entity, id) {
        let record = await crm.entity<Record<string, unknown>>(entity).get(id)
        for (let hops = 0; typeof record['mergedIntoId'] === 'string' && hops < 10; hops++) {
          record = await crm.entity<Record<string, unknown>>(entity).get(record['mergedIntoId'])
        }
        return record
      },
      skipDuplicateCheck,
    }),
  })
}

async function markNotDuplicate(crm: CrmServices, entity: string, a: string, b: string): Promise<void> {
  const service = crm.entity(entity)
  await service.get(a)
  await service.get(b)
  if (a === b) throw new RapportError('VALIDATION_FAILED', 'A record is always a duplicate of itself')
  const [aId, bId] = orderedPair(a, b)
  const pairs = crm.entity('dqNotDuplicate')
  const existing = await pairs.count({
    where: {
      and: [
        { field: 'aId', op: 'eq', value: aId },
        { field: 'bId', op: 'eq', value: bId },
      ],
    },
  })
  if (existing === 0) await pairs.create({ entity, aId, bId })
}
