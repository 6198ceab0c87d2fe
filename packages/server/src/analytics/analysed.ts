import { RapportError } from '@rapport/core'

/**
 * Runs an analytics computation; its failures on unusable data (too few customers, no variance) are the data's, not
 * the server's, so they become `VALIDATION_FAILED` with the analytics code in `details.analytics`.
 *
 * @internal
 */
export async function analysed<T>(what: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof RapportError) throw error
    const code = (error as { code?: unknown }).code
    throw new RapportError('VALIDATION_FAILED', `${what}: ${(error as Error).message}`, {
      details: { analytics: typeof code === 'string' ? code : 'ANALYTICS_FAILED', issues: [] },
    })
  }
}
