// What would ship: `pnpm publish --dry-run` of every package under packages/, then checks on the packed file list.
// Each package must pack its README.md, LICENSE and package.json, every file its `exports` point at, and no test
// files; its manifest must name a repository, homepage, license and keywords. No registry login is needed (a dry
// run uploads nothing); pnpm may still print a "requires you to be logged in" warning, which is expected.
// Run after `pnpm build`: node scripts/check-publish.mjs [package-dir…]
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dirs =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(join(root, 'packages'))
        .map((d) => join('packages', d))
        .filter((d) => existsSync(join(root, d, 'package.json')))

/** Every file path an `exports` map points at (conditions flattened; the source condition is dev-only). */
function exportTargets(exports) {
  const out = []
  const walk = (value, condition) => {
    if (typeof value === 'string') {
      if (condition !== '@rapport/source' && !value.includes('*')) out.push(value.replace(/^\.\//, ''))
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) walk(child, key)
    }
  }
  walk(exports, '')
  return out
}

let failures = 0
for (const dir of dirs) {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'))
  if (manifest.private) continue
  const problems = []
  let packed
  try {
    const stdout = execFileSync('pnpm', ['publish', '--dry-run', '--no-git-checks', '--json'], {
      cwd: join(root, dir),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const report = JSON.parse(stdout.slice(stdout.indexOf('{')))
    packed = report[manifest.name] ?? report
  } catch (error) {
    const out = String(error.stdout ?? '')
    const reason = out.includes('{') ? JSON.parse(out.slice(out.indexOf('{'))).error?.message : undefined
    problems.push(`pnpm publish --dry-run failed: ${reason ?? String(error.stderr ?? error.message).trim()}`)
  }
  if (packed) {
    const files = new Set(packed.files.map((f) => f.path))
    for (const required of ['README.md', 'LICENSE', 'package.json']) {
      if (!files.has(required)) problems.push(`does not ship ${required}`)
    }
    for (const target of exportTargets(manifest.exports ?? {})) {
      if (!files.has(target))
        problems.push(`exports point at ${target}, which is not in the package (run pnpm build?)`)
    }
    for (const file of files) {
      if (/\.test\.[cm]?[jt]sx?$/.test(file)) problems.push(`ships a test file: ${file}`)
    }
    console.log(`${manifest.name}@${manifest.version}: ${files.size} files, ${packed.size} bytes packed`)
  }
  // npm renders the README away from the repository, so a relative link (./x, ../docs/y) is dead there.
  const readme = join(root, dir, 'README.md')
  if (existsSync(readme)) {
    for (const [, target] of readFileSync(readme, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^(https?:|mailto:|#)/.test(target))
        problems.push(`README links to ${target}, which is dead on npm`)
    }
  }
  for (const field of ['repository', 'homepage', 'license', 'keywords', 'description']) {
    if (!manifest[field]) problems.push(`package.json has no ${field}`)
  }
  for (const problem of problems) console.error(`  ✗ ${manifest.name}: ${problem}`)
  failures += problems.length
}
if (failures > 0) {
  console.error(`${failures} problem(s) in what would be published`)
  process.exit(1)
}
console.log('every package would publish what it should')
