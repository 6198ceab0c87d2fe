import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@rapport/server/node'
import type { Browser } from 'playwright-core'
import { chromium } from 'playwright-core'
import { createCrmApp } from '../src/server/create-app.js'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Where Debian's Chromium lives (`apt-get install chromium`); override with CHROMIUM_PATH. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

/**
 * Flags for Chromium as root on a closed network: no sandbox (root), no GPU, and none of the background calls to
 * Google's hosts that this network refuses.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** Builds the UI into a temporary folder with Vite's API. */
export async function buildUi(outDir: string): Promise<void> {
  const { build } = await import('vite')
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
}

/** A running demo app on a fresh seeded SQLite file, and a browser. */
export interface Harness {
  readonly url: string
  readonly browser: Browser
  close(): Promise<void>
}

/** Builds the UI, seeds a demo database in a temporary folder, serves both on an ephemeral port, opens Chromium. */
export async function startHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'rapport-crm-app-'))
  const dist = join(dir, 'dist')
  await buildUi(dist)
  const { app, crm } = await createCrmApp({ file: join(dir, 'crm.db'), staticDir: dist })
  const server = await serve(app, { port: 0 })
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  return {
    url: server.url,
    browser,
    async close() {
      await browser.close()
      await server.close()
      await crm.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
