// Fails fast, before pnpm resolves anything, when Node is older than Rapport needs (22.12: require(esm), Map.groupBy,
// type stripping for the examples). Loaded by .pnpmfile.cjs on every `pnpm install`, and runnable on its own.
'use strict'

const REQUIRED = [22, 12]

function nodeProblem(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number)
  if (major > REQUIRED[0] || (major === REQUIRED[0] && minor >= REQUIRED[1])) return null
  return [
    '',
    `Rapport needs Node.js >= ${REQUIRED.join('.')}; this is Node.js v${version}.`,
    'Install Node.js 24 (or 22.12+), then run `pnpm install` again. Any one of:',
    '  - nvm:   nvm install 24 && nvm use 24',
    '  - fnm:   fnm install 24 && fnm use 24',
    '  - npm, without root: npm install --prefix ~/.node24 node@24',
    '           export PATH="$HOME/.node24/node_modules/node/bin:$PATH"',
    '  - or a package from https://nodejs.org/en/download',
    '',
  ].join('\n')
}

module.exports = { nodeProblem, REQUIRED }

if (require.main === module) {
  const problem = nodeProblem()
  if (problem) {
    console.error(problem)
    process.exit(1)
  }
}
