#!/usr/bin/env node
import { main } from './main.js'

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
})
// Exit once stdout has drained (a pipe may still hold the JSON): open readers of a half-read file must not keep the
// process alive.
process.stdout.write('', () => process.exit(code))
