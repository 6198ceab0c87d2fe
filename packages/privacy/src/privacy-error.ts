/** The error codes of `@rapport/privacy` (plugin codes `PRIVACY_*`, also listed in `crm.errorCodes`). */
export const PrivacyErrorCodes = {
  /** The privacy configuration is malformed: an unknown entity or field in the tags, a missing or short secret. */
  PRIVACY_INVALID_CONFIG: 'PRIVACY_INVALID_CONFIG',
  /** A consent record or query is malformed. */
  PRIVACY_INVALID_CONSENT: 'PRIVACY_INVALID_CONSENT',
  /** A double opt-in token is unknown, already used or expired. */
  PRIVACY_INVALID_TOKEN: 'PRIVACY_INVALID_TOKEN',
  /** The email or phone belongs to an erased data subject (suppression list): the record is not created. */
  PRIVACY_SUPPRESSED: 'PRIVACY_SUPPRESSED',
  /** The subject's key was destroyed (crypto-shredding): the value can never be decrypted again. */
  PRIVACY_KEY_SHREDDED: 'PRIVACY_KEY_SHREDDED',
  /** A ciphertext is malformed or was moved to another record or field (authentication failed). */
  PRIVACY_DECRYPT_FAILED: 'PRIVACY_DECRYPT_FAILED',
} as const

/** One of the privacy error codes. */
export type PrivacyErrorCode = keyof typeof PrivacyErrorCodes
