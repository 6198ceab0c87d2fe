/**
 * The error codes of `@rapport/audit` (plugin codes `AUDIT_*`, also listed in `crm.errorCodes`).
 */
export const AuditErrorCodes = {
  /** Audit rows are written only by the audit plugin; creating, updating or deleting them through services fails. */
  AUDIT_READ_ONLY: 'AUDIT_READ_ONLY',
  /** A query or option is malformed; `details.issues` says where. */
  AUDIT_INVALID_QUERY: 'AUDIT_INVALID_QUERY',
  /** A retention policy is malformed. */
  AUDIT_INVALID_RETENTION: 'AUDIT_INVALID_RETENTION',
} as const

/** One of the audit error codes. */
export type AuditErrorCode = keyof typeof AuditErrorCodes
