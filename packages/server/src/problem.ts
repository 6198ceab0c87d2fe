import type { RapportError } from '@rapport/core'

/**
 * The error codes the HTTP layer itself raises, beside core's. Like core's, they never change meaning.
 */
export const ServerErrorCodes = {
  /** No route matches the path. */
  HTTP_ROUTE_NOT_FOUND: 'HTTP_ROUTE_NOT_FOUND',
  /** The path exists but not with this method; `Allow` lists the methods it has. */
  HTTP_METHOD_NOT_ALLOWED: 'HTTP_METHOD_NOT_ALLOWED',
  /** The body is not valid JSON (or not a JSON object where one is expected). */
  HTTP_MALFORMED_JSON: 'HTTP_MALFORMED_JSON',
  /** The body is not `application/json`. */
  HTTP_UNSUPPORTED_MEDIA_TYPE: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
  /** A query parameter, path parameter or header is unknown or malformed. */
  HTTP_BAD_REQUEST: 'HTTP_BAD_REQUEST',
  /** `If-Match` is required by the server's configuration and missing. */
  HTTP_PRECONDITION_REQUIRED: 'HTTP_PRECONDITION_REQUIRED',
  /** The host's authenticate hook found no valid credentials. */
  HTTP_UNAUTHENTICATED: 'HTTP_UNAUTHENTICATED',
  /** The host's rate-limit hook refused the request; `Retry-After` says when to come back. */
  HTTP_RATE_LIMITED: 'HTTP_RATE_LIMITED',
  /** Something failed that is not the client's fault; details stay in the server log. */
  HTTP_INTERNAL: 'HTTP_INTERNAL',
} as const

/**
 * The fixed mapping of error codes to HTTP statuses. Plugin codes (`PLUGIN_CODE`) not listed here map to 422, or to
 * what the server's `statusOf` option returns.
 */
export const ERROR_STATUS: Readonly<Record<string, number>> = Object.freeze({
  VALIDATION_FAILED: 422,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 412,
  UNIQUE_VIOLATION: 409,
  CONSTRAINT_VIOLATION: 409,
  INVALID_FILTER: 400,
  INVALID_CURSOR: 400,
  INVALID_TRANSITION: 409,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  HOOK_REJECTED: 422,
  PLUGIN_ERROR: 500,
  INVALID_CONFIG: 500,
  STORAGE_BUSY: 503,
  SCHEMA_OUTDATED: 503,
  STORAGE_FAILURE: 500,
  HTTP_ROUTE_NOT_FOUND: 404,
  HTTP_METHOD_NOT_ALLOWED: 405,
  HTTP_MALFORMED_JSON: 400,
  HTTP_UNSUPPORTED_MEDIA_TYPE: 415,
  HTTP_BAD_REQUEST: 400,
  HTTP_PRECONDITION_REQUIRED: 428,
  HTTP_UNAUTHENTICATED: 401,
  HTTP_RATE_LIMITED: 429,
  HTTP_INTERNAL: 500,
})

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** An RFC 9457 problem document, with Rapport's stable `code` and structured `details`. */
export interface Problem {
  /** A URI naming the problem type: `urn:rapport:error:<CODE>`. */
  readonly type: string
  readonly title: string
  readonly status: number
  /** The error message. */
  readonly detail: string
  /** The request id, so a client's report can be matched with the server log. */
  readonly instance?: string
  /** The stable error code: branch on this. */
  readonly code: string
  /** Structured details: validation issues, guard names, missing fields, versions. */
  readonly details: Record<string, unknown>
}

/** The status of an error code under the fixed mapping (plugin codes default to 422). */
export function statusOfCode(code: string, override?: (code: string) => number | undefined): number {
  return ERROR_STATUS[code] ?? override?.(code) ?? 422
}

/** Builds the problem document of a `RapportError`. Server-side failures never leak their message. */
export function problemOf(
  error: RapportError,
  requestId: string | undefined,
  statusOf?: (code: string) => number | undefined,
): Problem {
  const status = statusOfCode(error.code, statusOf)
  const internal = status >= 500 && status !== 503
  return {
    type: `urn:rapport:error:${error.code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: internal ? 'The server failed to handle the request' : error.message,
    ...(requestId ? { instance: `urn:rapport:request:${requestId}` } : {}),
    code: error.code,
    details: internal ? {} : error.details,
  }
}
