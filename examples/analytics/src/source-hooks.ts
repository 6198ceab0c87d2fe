/**
 * Lets `node src/main.ts` run straight from TypeScript sources, workspace packages included: Node 24 strips types
 * natively, and the `@rapport/source` condition points `@rapport/analytics` at its `src`, but TypeScript sources
 * import each other with `.js` extensions. This resolve hook retries a missing relative `.js` import from a `.ts`
 * file as `.ts`. Loaded with `node --import ./src/source-hooks.ts`.
 */
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (err) {
      const fromTs = context.parentURL?.endsWith('.ts') ?? false
      if (fromTs && specifier.startsWith('.') && specifier.endsWith('.js')) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
      }
      throw err
    }
  },
})
