import type { CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import { suppressionEntity } from '../privacy-entities.js'
import { PrivacyErrorCodes } from '../privacy-error.js'

type Row = Record<string, unknown>

/** Normalised identifiers of a record: lower-cased trimmed emails, and phones reduced to `+` and digits. */
export function identifiersOf(record: Row): { email: string[]; phone: string[] } {
  const email = new Set<string>()
  const phone = new Set<string>()
  const addEmail = (v: unknown) => {
    if (typeof v === 'string' && v.trim()) email.add(v.trim().toLowerCase())
  }
  const addPhone = (v: unknown) => {
    if (typeof v !== 'string') return
    const digits = v.replace(/[^\d+]/g, '')
    if (digits.replace('+', '').length >= 5) phone.add(digits)
  }
  for (const e of (record['emails'] as { address?: unknown }[] | null | undefined) ?? []) addEmail(e?.address)
  for (const p of (record['phones'] as { number?: unknown }[] | null | undefined) ?? []) addPhone(p?.number)
  addEmail(record['email'])
  addPhone(record['phone'])
  return { email: [...email], phone: [...phone] }
}

/** The keyed hashes of a record's identifiers, as the suppression list stores them. */
export async function suppressionHashes(record: Row, hash: (value: string) => Promise<string>) {
  const ids = identifiersOf(record)
  return [
    ...(await Promise.all(
      ids.email.map(async (v) => ({ kind: 'email' as const, hash: await hash(`email:${v}`) })),
    )),
    ...(await Promise.all(
      ids.phone.map(async (v) => ({ kind: 'phone' as const, hash: await hash(`phone:${v}`) })),
    )),
  ]
}

/**
 * Refuses a record carrying an email or phone of an erased subject (`PRIVACY_SUPPRESSED`), so an import or a form
 * does not bring the person back. The error names the kind of identifier, never its value.
 */
export async function checkSuppressed(
  entity: string,
  record: Row,
  services: CrmServices,
  hash: (value: string) => Promise<string>,
): Promise<void> {
  const hashes = await suppressionHashes(record, hash)
  if (hashes.length === 0) return
  const found = await services
    .entity<Row>(suppressionEntity.name)
    .list({ where: { field: 'hash', op: 'in', value: hashes.map((h) => h.hash) }, limit: hashes.length })
  const hit = found.items[0]
  if (hit) {
    throw new RapportError(
      PrivacyErrorCodes.PRIVACY_SUPPRESSED,
      `This ${entity} carries the ${hit['kind']} of an erased data subject and cannot be created`,
      { details: { entity, kind: hit['kind'] } },
    )
  }
}
