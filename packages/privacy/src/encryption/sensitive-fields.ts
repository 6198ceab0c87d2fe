import type { CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { CommitContext, QueuedEvent } from '@rapport/core/plugin'
import { privacyKeyEntity } from '../privacy-entities.js'
import { PrivacyErrorCodes } from '../privacy-error.js'
import type { FieldTags } from '../tags/field-tags.js'
import { readPath, taggedFields } from '../tags/field-tags.js'
import type { KeyWrapper } from './subject-cipher.js'
import { isCiphertext, keyIdOf, newKey, newKeyId, open, seal } from './subject-cipher.js'

type Row = Record<string, unknown>

interface PendingKey {
  readonly tenantId: string
  readonly subjectType: string
  readonly raw: Uint8Array<ArrayBuffer>
  readonly wrapped: string
}

/** The most keys minted by writes that never committed that are kept in memory before the oldest are dropped. */
const MAX_PENDING = 10_000

/**
 * Encryption of `sensitive` fields with a key per data subject. Keys are minted on the subject's first sensitive
 * value, wrapped by the {@link KeyWrapper} and stored in the key table through the storage port in the write's
 * transaction (`beforeCommit`), never through services: no event, outbox or audit row ever holds key material.
 *
 * @internal
 */
export function createSensitiveFields(tags: FieldTags, wrapper: KeyWrapper | null) {
  const pending = new Map<string, PendingKey>()

  const wrapperOrFail = () => {
    if (!wrapper) {
      throw new RapportError(
        PrivacyErrorCodes.PRIVACY_INVALID_CONFIG,
        'Sensitive fields need a secret or a key wrapper',
      )
    }
    return wrapper
  }

  async function storedKey(
    services: CrmServices,
    filter: { field: string; value: string },
  ): Promise<{ keyId: string; raw: Uint8Array<ArrayBuffer> } | null> {
    const row = (
      await services
        .entity<Row>(privacyKeyEntity.name)
        .list({ where: { field: filter.field, op: 'eq', value: filter.value }, limit: 1 })
    ).items[0]
    if (!row) return null
    const keyId = row['keyId'] as string
    const raw = await wrapperOrFail().unwrap(row['wrapped'] as string, { tenantId: services.tenantId, keyId })
    return { keyId, raw: new Uint8Array(raw) }
  }

  async function mint(tenantId: string, subjectType: string) {
    const keyId = newKeyId()
    const raw = newKey()
    const wrapped = await wrapperOrFail().wrap(raw, { tenantId, keyId })
    if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value as string)
    pending.set(keyId, { tenantId, subjectType, raw, wrapped })
    return { keyId, raw }
  }

  /** Encrypts the sensitive values of `data` (a create input, or an update patch with the subject's id). */
  async function encrypt(
    entity: string,
    data: Row,
    services: CrmServices,
    subjectId: string | null,
  ): Promise<Row | undefined> {
    const fields = taggedFields(tags, entity, 'sensitive')
    const plain = fields.filter(
      (f) => typeof readPath(data, f) === 'string' && !isCiphertext(readPath(data, f)),
    )
    if (plain.length === 0) return undefined
    const key =
      (subjectId ? await storedKey(services, { field: 'subjectId', value: subjectId }) : null) ??
      (await mint(services.tenantId, entity))
    const out: Row = { ...data }
    for (const field of plain) {
      const place = { tenantId: services.tenantId, entity, field }
      const sealed = await seal(key.raw, key.keyId, place, readPath(data, field) as string)
      if (field.startsWith('custom.')) out['custom'] = { ...(out['custom'] as Row), [field.slice(7)]: sealed }
      else out[field] = sealed
    }
    return out
  }

  /** Stores the keys minted for records this commit created or updated, bound to their subject ids. */
  async function bindKeys(events: readonly QueuedEvent[], ctx: CommitContext): Promise<void> {
    if (pending.size === 0) return
    const model = ctx.schema.models[privacyKeyEntity.name]
    if (!model) return
    for (const event of events) {
      const [entity, verb] = event.type.split('.')
      if (verb !== 'created' && verb !== 'updated') continue
      const payload = event.payload as { id: string; tenantId: string; record?: Row; after?: Row }
      const record = payload.record ?? payload.after
      if (!record || !entity) continue
      for (const field of taggedFields(tags, entity, 'sensitive')) {
        const value = readPath(record, field)
        if (!isCiphertext(value)) continue
        const keyId = keyIdOf(value)
        const key = pending.get(keyId)
        if (!key) continue
        pending.delete(keyId)
        const now = new Date()
        await ctx.storage.create({
          model,
          tenantId: payload.tenantId,
          schema: ctx.schema,
          data: {
            id: `pkey_${keyId}`,
            tenantId: payload.tenantId,
            createdAt: now,
            updatedAt: now,
            version: 1,
            archivedAt: null,
            keyId,
            subjectType: key.subjectType,
            subjectId: payload.id,
            wrapped: key.wrapped,
          },
        })
      }
    }
  }

  /** A copy of `record` with its sensitive values decrypted; `null` where the subject's key was shredded. */
  async function reveal(entity: string, record: Row, services: CrmServices): Promise<Row> {
    const out: Row = { ...record }
    for (const field of taggedFields(tags, entity, 'sensitive')) {
      const value = readPath(record, field)
      if (!isCiphertext(value)) continue
      const key = await storedKey(services, { field: 'keyId', value: keyIdOf(value) })
      const plain = key ? await open(key.raw, { tenantId: services.tenantId, entity, field }, value) : null
      if (field.startsWith('custom.')) out['custom'] = { ...(out['custom'] as Row), [field.slice(7)]: plain }
      else out[field] = plain
    }
    return out
  }

  /** Decrypts one value strictly: `PRIVACY_KEY_SHREDDED` once the subject's key is gone. */
  async function openValue(
    services: CrmServices,
    place: { entity: string; field: string },
    ciphertext: string,
  ): Promise<string> {
    const key = await storedKey(services, { field: 'keyId', value: keyIdOf(ciphertext) })
    if (!key) {
      throw new RapportError(
        PrivacyErrorCodes.PRIVACY_KEY_SHREDDED,
        `The key of this ${place.entity}.${place.field} value was destroyed`,
        {
          details: place,
        },
      )
    }
    return open(key.raw, { tenantId: services.tenantId, ...place }, ciphertext)
  }

  return { encrypt, bindKeys, reveal, openValue }
}

/** The sensitive-field machinery of one plugin instance. */
export type SensitiveFields = ReturnType<typeof createSensitiveFields>
