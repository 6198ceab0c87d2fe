// pnpm loads this file before it installs anything: the Node version check runs first, with a message that says how
// to get a new enough Node (pnpm's own engine-strict error only says the version is wrong).
'use strict'

const { nodeProblem } = require('./scripts/check-node.cjs')

const problem = nodeProblem()
if (problem) {
  console.error(problem)
  process.exit(1)
}

module.exports = { hooks: {} }
