import type { UserWorkspaceConfig } from 'vitest/config'
import { defineProject } from 'vitest/config'

/** Vite's default server conditions, with our source condition first so tests run against `src` unbuilt. */
const conditions = ['@rapport/source', 'module', 'node', 'development|production']

/**
 * The shared vitest project shape of every package and example.
 */
export function rapportProject(name: string, test: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: { name, restoreMocks: true, ...test },
  })
}
