// Lets Node run the workspace's TypeScript sources directly (type stripping + the `@rapport/source` condition):
// source files import siblings as `./x.js`, which exist on disk as `./x.ts`.
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
      }
      throw error
    }
  },
})
