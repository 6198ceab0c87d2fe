import { AsyncLocalStorage } from 'node:async_hooks'

const skipping = new AsyncLocalStorage<boolean>()

/**
 * Runs `fn` with duplicate checks off for the writes it makes (the caller reviewed the matches and saves anyway,
 * Salesforce's `allowSave`). Match keys are still maintained.
 *
 * @example
 * ```ts
 * await skipDuplicateCheck(() => crm.contacts.create(input))
 * ```
 */
export function skipDuplicateCheck<T>(fn: () => Promise<T>): Promise<T> {
  return skipping.run(true, fn)
}

/** Whether the current async context is inside {@link skipDuplicateCheck}. */
export function duplicateCheckSkipped(): boolean {
  return skipping.getStore() === true
}
