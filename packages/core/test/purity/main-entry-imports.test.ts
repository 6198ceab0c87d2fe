import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')
const importPattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

/** Every module specifier reachable from an entry file, following relative imports. */
function reachableImports(entry: string): { bare: Map<string, string>; files: Set<string> } {
  const bare = new Map<string, string>()
  const files = new Set<string>()
  const queue = [entry]
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (files.has(file)) continue
    files.add(file)
    // Doc comments hold @example imports; only real code counts.
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '')
    for (const match of text.matchAll(importPattern)) {
      const spec = (match[1] ?? match[2]) as string
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
      else bare.set(spec, file)
    }
  }
  return { bare, files }
}

/** The source file of every entry point but the test kit (`./testing*`, which may use node:* and vitest). */
function entryFiles(): string[] {
  const pkg = JSON.parse(readFileSync(resolve(src, '../package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>
  }
  return Object.entries(pkg.exports).flatMap(([subpath, target]) =>
    typeof target === 'object' && !subpath.startsWith('./testing')
      ? [(target['@rapport/source'] as string).replace(/^\.\/src\//, '')]
      : [],
  )
}

describe('@rapport/core entry points', () => {
  it('imports no database driver, no kysely and no node:* module, so it runs in browsers and edge runtimes', () => {
    const entries = entryFiles()
    expect(entries).toEqual(expect.arrayContaining(['index.ts', 'storage/index.ts', 'filter/index.ts']))
    for (const entry of entries) {
      const { bare, files } = reachableImports(resolve(src, entry))
      expect(files.size).toBeGreaterThan(1)
      const forbidden = [...bare.keys()].filter(
        (spec) =>
          spec.startsWith('node:') ||
          ['pg', 'better-sqlite3', 'kysely', '@electric-sql/pglite'].includes(spec),
      )
      expect(
        forbidden,
        `${entry} reaches ${forbidden.map((f) => `${f} (from ${bare.get(f)})`).join(', ')}`,
      ).toEqual([])
      if (entry === 'index.ts') {
        expect([...bare.keys()]).toEqual(expect.arrayContaining(['zod', 'mitt', 'date-fns/add']))
      }
      // date-fns by function subpath only: its root loads ~300 modules, and Node parses date-fns's 200 KB
      // package.json for each of them (importing core peaked at ~300 MB RSS and took seconds).
      expect(bare.has('date-fns'), `${entry} imports the root of date-fns`).toBe(false)
      for (const spec of bare.keys())
        expect(['zod', 'mitt', 'date-fns', '@date-fns']).toContain(spec.split('/')[0])
    }
  })
})
