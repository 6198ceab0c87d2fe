import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'

const id = z.string().min(1).max(200)

/** Consent states, as Salesforce's `PrivacyConsentStatus` plus the double opt-in wait. */
export const consentStatuses = ['opt_in', 'opt_out', 'pending_double_opt_in'] as const
/** Channels consent is given for; `*` for all. */
export const consentChannels = ['email', 'sms', 'phone', 'post', 'whatsapp', 'web', '*'] as const
/** GDPR Art. 6(1) lawful bases. */
export const lawfulBases = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interest',
  'public_task',
  'legitimate_interest',
] as const

/**
 * Consent history, append-only: one row per statement of a subject about a purpose on a channel. The current state
 * of (subject, purpose, channel) is its newest row. A pending double opt-in keeps only the SHA-256 of its token.
 */
export const consentEntity = defineEntity({
  name: 'consent',
  idPrefix: 'cns',
  table: 'privacy_consent',
  shape: {
    subjectType: z.enum(['contact', 'lead']),
    subjectId: id,
    purpose: z.string().min(1).max(100),
    channel: z.enum(consentChannels),
    status: z.enum(consentStatuses),
    lawfulBasis: z.enum(lawfulBases).default('consent'),
    /** Where it was captured: a form id, an import job, an API key. */
    source: z.string().min(1).max(200),
    capturedAt: z.date(),
    /** When the subject confirmed a double opt-in. */
    doubleOptInAt: z.date().nullable().optional(),
    tokenHash: z.string().max(100).nullable().optional(),
    tokenExpiresAt: z.date().nullable().optional(),
    /** Proof: form version, text hash, user agent… (no secrets). */
    evidence: z.record(z.string(), z.unknown()).nullable().optional(),
  },
  indexes: [
    { name: 'by_subject', fields: ['subjectId', 'purpose', 'channel', 'capturedAt'] },
    { name: 'by_token', fields: ['tokenHash'] },
  ],
})

/**
 * Per-subject data keys, wrapped by the host's `KeyWrapper`. Deleting a subject's rows is crypto-shredding:
 * every copy of its sensitive values (WAL, backups, audit history, replicas) becomes unreadable. Written only
 * through the storage port, never through services, so no event, outbox or audit row ever holds key material.
 */
export const privacyKeyEntity = defineEntity({
  name: 'privacyKey',
  idPrefix: 'pkey',
  table: 'privacy_key',
  shape: {
    keyId: id,
    subjectType: z.string().min(1).max(50),
    subjectId: id,
    wrapped: z.string().min(1).max(4000),
  },
  indexes: [
    { name: 'by_key', fields: ['keyId'], unique: true },
    { name: 'by_subject', fields: ['subjectId'] },
  ],
})

/** The suppression list: keyed hashes (HMAC) of erased subjects' emails and phones; never the values. */
export const suppressionEntity = defineEntity({
  name: 'privacySuppression',
  idPrefix: 'psup',
  table: 'privacy_suppression',
  shape: {
    hash: z.string().min(1).max(200),
    kind: z.enum(['email', 'phone']),
    erasureId: id,
  },
  indexes: [{ name: 'by_hash', fields: ['hash'], unique: true }],
})

/** Every model the privacy plugin owns. */
export const privacyEntities = [consentEntity, privacyKeyEntity, suppressionEntity] as const
