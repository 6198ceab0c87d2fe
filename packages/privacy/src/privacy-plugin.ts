import type { CrmPlugin, CrmServices } from '@rapport/core'
import { definePlugin } from '@rapport/core'
import type { EntityHooks } from '@rapport/core/plugin'
import type { ConsentService } from './consent/consent-service.js'
import { createConsentService } from './consent/consent-service.js'
import { createSensitiveFields } from './encryption/sensitive-fields.js'
import type { KeyWrapper } from './encryption/subject-cipher.js'
import { localKeyWrapper, secretBytes, suppressionHasher } from './encryption/subject-cipher.js'
import type { ErasureReceipt, RecordErasure } from './erasure/erase-subject.js'
import { eraseSubject } from './erasure/erase-subject.js'
import type { ErasurePlan } from './erasure/erasure-plan.js'
import { finishErasure } from './erasure/erasure-plan.js'
import { checkSuppressed } from './erasure/suppression.js'
import type { SubjectExport } from './export/export-subject.js'
import { exportSubject } from './export/export-subject.js'
import { privacyEntities } from './privacy-entities.js'
import type { FieldTags } from './tags/field-tags.js'
import { checkFieldTags, defaultFieldTags, mergeFieldTags } from './tags/field-tags.js'

/** Options of {@link privacyPlugin}. */
export interface PrivacyOptions {
  /**
   * At least 32 random bytes (or their base64url): derives the key that wraps subject keys (unless `keys` is given)
   * and the HMAC key of the suppression list. Keep it in your secret manager; rotating it orphans both.
   */
  readonly secret: string | Uint8Array
  /** Field tags, merged over {@link defaultFieldTags} (names, emails, phones, addresses, notes). */
  readonly fields?: FieldTags
  /** Your KMS, wrapping subject keys instead of the key derived from `secret`. */
  readonly keys?: KeyWrapper
  /**
   * What erasure does per entity (default: contact, lead, activity, task and deal-contact links deleted; orders
   * retained for bookkeeping; anything else anonymised, i.e. its `pii` fields cleared).
   */
  readonly erasure?: Readonly<Record<string, RecordErasure>>
  /**
   * Outbox, webhook and log models whose rows are purged on erasure when they mention the subject (its id, emails,
   * phones). Default: automation's job, run and step tables. Add your own webhook delivery log here.
   */
  readonly logs?: readonly string[]
  /** Data-subject entities: they get keys for `sensitive` fields and suppression checks (default contact, lead). */
  readonly subjects?: readonly string[]
  /** The clock for consent and receipts (default `() => new Date()`). */
  readonly clock?: () => Date
}

/** The API of the privacy plugin, as `crm.plugins.privacy`. */
export interface PrivacyApi {
  /** Consent per purpose × channel with double opt-in. */
  readonly consent: ConsentService
  /** Everything about a data subject (records, activities, consents, audit history, log events), JSON-ready. */
  export(subject: {
    readonly entity?: string
    readonly id: string
    readonly tenantId?: string
  }): Promise<SubjectExport>
  /**
   * Erases a data subject in one transaction through the `erasure` channel: related records deleted, anonymised or
   * retained per policy, the subject deleted (or anonymised), audit values redacted to the skeleton, consents and
   * keys destroyed (crypto-shredding), log and outbox rows about the subject purged, and suppression hashes of its
   * emails and phones added; then the storage scrubs remnants (SQLite full-text segments, WAL).
   */
  erase(subject: {
    readonly entity?: string
    readonly id: string
    readonly tenantId?: string
    readonly reason?: string
  }): Promise<ErasureReceipt>
  /** A copy of a record with its `sensitive` values decrypted (`null` where the subject's key was shredded). */
  reveal<R extends object>(entity: string, record: R, services?: CrmServices): Promise<R>
  /** Decrypts one stored value; `PRIVACY_KEY_SHREDDED` once its subject was erased. */
  open(
    place: { readonly entity: string; readonly field: string },
    ciphertext: string,
    services?: CrmServices,
  ): Promise<string>
}

const AUTOMATION_LOGS = ['automationJob', 'automationRun', 'automationStep']

/**
 * Privacy for Rapport: field tags (`pii`, `sensitive`, erasure), consent, data-subject export, provable erasure and
 * per-subject encryption of sensitive fields (AES-256-GCM through WebCrypto; keys in a key table wrapped by your
 * KMS). Register it next to `auditPlugin()` so erasure can redact history.
 *
 * @example
 * ```ts
 * import { auditPlugin } from '@rapport/audit'
 * import { privacyPlugin } from '@rapport/privacy'
 *
 * const crm = createCrm({
 *   storage: createSqliteStorage({ file: 'crm.db', pragmas: { secure_delete: 'ON' } }),
 *   plugins: [
 *     auditPlugin(),
 *     privacyPlugin({ secret: process.env.PRIVACY_SECRET!, fields: { contact: { 'custom.diagnosis': { sensitive: true } } } }),
 *   ] as const,
 * })
 * await crm.plugins.privacy.consent.record({ subjectId, purpose: 'newsletter', channel: 'email', status: 'opt_in', source: 'form:signup' })
 * const receipt = await crm.plugins.privacy.erase({ id: subjectId, reason: 'GDPR Art. 17 request #123' })
 * ```
 */
export function privacyPlugin(options: PrivacyOptions): CrmPlugin<'privacy', PrivacyApi> {
  const secret = secretBytes(options.secret)
  const tags = mergeFieldTags(defaultFieldTags, options.fields)
  const subjects = options.subjects ?? ['contact', 'lead']
  const logs = options.logs ?? AUTOMATION_LOGS
  const clock = options.clock ?? (() => new Date())
  const sensitive = createSensitiveFields(tags, options.keys ?? localKeyWrapper(secret))
  const hash = suppressionHasher(secret)
  const plans = new Map<string, ErasurePlan>()
  const finished = new WeakSet<object>()

  const hooks: Record<string, EntityHooks> = {}
  for (const entity of subjects) {
    hooks[entity] = {
      create: {
        before: async (data, ctx) => {
          await checkSuppressed(entity, data, ctx.crm, hash)
          const sealed = await sensitive.encrypt(entity, data, ctx.crm, null)
          return sealed ? { data: sealed } : undefined
        },
      },
      update: {
        before: async (patch, ctx) => {
          if ('emails' in patch || 'phones' in patch || 'email' in patch || 'phone' in patch) {
            await checkSuppressed(entity, patch, ctx.crm, hash)
          }
          const sealed = await sensitive.encrypt(entity, patch, ctx.crm, ctx.current['id'] as string)
          return sealed ? { data: sealed } : undefined
        },
      },
    }
  }

  return definePlugin({
    id: 'privacy',
    version: '0.1.0',
    schema: { entities: [...privacyEntities] },
    hooks,
    errorCodes: {
      INVALID_CONFIG: 'The privacy configuration is malformed',
      INVALID_CONSENT: 'A consent record is malformed',
      INVALID_TOKEN: 'A double opt-in token is unknown, superseded or expired',
      SUPPRESSED: 'The email or phone belongs to an erased data subject',
      KEY_SHREDDED: "The subject's key was destroyed",
      DECRYPT_FAILED: 'A ciphertext cannot be decrypted',
    },
    init(ctx) {
      checkFieldTags(tags, ctx.schema, subjects)
    },
    async beforeCommit(events, ctx) {
      await sensitive.bindKeys(events, ctx)
      const plan =
        ctx.origin.channel === 'erasure' && ctx.origin.channelRef
          ? plans.get(ctx.origin.channelRef)
          : undefined
      // Once per transaction attempt (a retried attempt starts over with fresh storage operations).
      if (plan && !finished.has(ctx.storage)) {
        finished.add(ctx.storage)
        await finishErasure(plan, ctx)
      }
    },
    api: (ctx) => ({
      consent: createConsentService(() => ctx.crm, clock),
      export: (subject) =>
        exportSubject(
          ctx,
          sensitive,
          logs,
          {
            entity: subject.entity ?? 'contact',
            id: subject.id,
            ...(subject.tenantId ? { tenantId: subject.tenantId } : {}),
          },
          clock(),
        ),
      erase: (subject) =>
        eraseSubject(
          ctx,
          { tags, policies: options.erasure ?? {}, logs, hash, plans, clock },
          {
            entity: subject.entity ?? 'contact',
            id: subject.id,
            ...(subject.tenantId ? { tenantId: subject.tenantId } : {}),
            ...(subject.reason ? { reason: subject.reason } : {}),
          },
        ),
      reveal: async (entity, record, services) =>
        (await sensitive.reveal(
          entity,
          record as Record<string, unknown>,
          services ?? ctx.crm,
        )) as typeof record,
      open: (place, ciphertext, services) => sensitive.openValue(services ?? ctx.crm, place, ciphertext),
    }),
  })
}
