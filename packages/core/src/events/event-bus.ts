import type { Emitter, Handler } from 'mitt'
import mitt from 'mitt'

/** Where handler failures go: the error, and the event that was being delivered. */
export type EventErrorHandler = (
  error: unknown,
  context: { readonly event: string; readonly payload: unknown },
) => void

/** A handler of one event; may be async, its rejection is reported to `onError`. */
export type EventHandler<P> = (payload: P) => void | Promise<void>

/**
 * A typed event bus over mitt. Unlike a bare mitt emitter, a throwing or rejecting handler never stops the other
 * handlers and never reaches the code that emitted: every failure goes to `onError`.
 *
 * @example
 * ```ts
 * const off = crm.events.on('deal.updated', ({ before, after, changes }) => {
 *   if (changes.includes('stageId')) console.log(before.stageId, '→', after.stageId)
 * })
 * off()
 * ```
 */
export class EventBus<Events extends Record<string, unknown>> {
  readonly #emitter: Emitter<Record<string, unknown>> = mitt()
  readonly #onError: EventErrorHandler

  /** @internal */
  constructor(onError: EventErrorHandler) {
    this.#onError = onError
  }

  /** Subscribes to one event, or to every event with `'*'`; returns the unsubscribe function. */
  on<K extends keyof Events & string>(type: K, handler: EventHandler<Events[K]>): () => void
  on(
    type: '*',
    handler: (type: keyof Events & string, payload: Events[keyof Events]) => void | Promise<void>,
  ): () => void
  on(type: string, handler: (...args: never[]) => void | Promise<void>): () => void {
    this.#emitter.on(type, handler as Handler<unknown>)
    return () => this.#emitter.off(type, handler as Handler<unknown>)
  }

  /** Subscribes for the next occurrence only. */
  once<K extends keyof Events & string>(type: K, handler: EventHandler<Events[K]>): () => void {
    const off = this.on(type, (payload) => {
      off()
      return handler(payload)
    })
    return off
  }

  /** Delivers an event now; handlers run synchronously in subscription order, async ones are not awaited. */
  emit<K extends keyof Events & string>(type: K, payload: Events[K]): void {
    // Nobody listening: nothing to deliver (a bulk write emits one event per record).
    if (!this.hasListeners(type)) return
    void this.#deliver(type, payload, false)
  }

  /** Delivers an event and waits for every handler, including async ones, to settle. */
  async emitAsync<K extends keyof Events & string>(type: K, payload: Events[K]): Promise<void> {
    await this.#deliver(type, payload, true)
  }

  /** Whether anybody listens to `type` (or to every event). */
  hasListeners(type: string): boolean {
    return (this.#emitter.all.get(type)?.length ?? 0) > 0 || (this.#emitter.all.get('*')?.length ?? 0) > 0
  }

  async #deliver(type: string, payload: unknown, wait: boolean): Promise<void> {
    const direct = [...((this.#emitter.all.get(type) as Handler<unknown>[] | undefined) ?? [])]
    const wildcard = [
      ...((this.#emitter.all.get('*') as ((t: string, p: unknown) => unknown)[] | undefined) ?? []),
    ]
    const pending: Promise<unknown>[] = []
    const guard = (call: () => unknown) => {
      try {
        const result = call()
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          const settled = (result as Promise<unknown>).then(undefined, (error) =>
            this.#report(error, type, payload),
          )
          if (wait) pending.push(settled)
        }
      } catch (error) {
        this.#report(error, type, payload)
      }
    }
    for (const handler of direct) guard(() => handler(payload))
    for (const handler of wildcard) guard(() => handler(type, payload))
    if (wait) await Promise.all(pending)
  }

  #report(error: unknown, event: string, payload: unknown): void {
    try {
      this.#onError(error, { event, payload })
    } catch {
      // An onError that throws must not break delivery either; there is nowhere left to report to.
    }
  }
}
