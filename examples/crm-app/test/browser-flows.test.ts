import { existsSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Harness } from '../e2e/harness.js'
import { CHROMIUM, startHarness } from '../e2e/harness.js'

// The browser flows drive Debian's Chromium (.ci/run installs it with apt). They are the app's smoke test.
if (!existsSync(CHROMIUM)) {
  throw new Error(`No Chromium at ${CHROMIUM}: run "apt-get install -y chromium" (or set CHROMIUM_PATH)`)
}

/** The machine is shared and slow: wait for the UI generously, but never forever. */
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 200 })

let h: Harness
let page: Page
beforeAll(async () => {
  h = await startHarness()
  page = await h.browser.newPage()
})
afterAll(() => h?.close())

describe('the demo CRM in Chromium', () => {
  it('creates a contact, then finds it by search', async () => {
    await page.goto(`${h.url}/#/contacts`)
    await page.getByText('New contact').click()
    await page.getByLabel('First name').fill('Hedy')
    await page.getByLabel('Last name').fill('Lamarr')
    await page.getByLabel('Email').fill('hedy@example.com')
    await page.getByRole('button', { name: 'Create contact' }).click()
    await eventually(() => page.getByRole('status').textContent()).toContain('Created Hedy Lamarr')

    await page.getByLabel('Search contacts').fill('Lamarr')
    const rows = page.locator('tbody tr')
    await eventually(() => rows.count()).toBe(1)
    expect(await rows.first().textContent()).toContain('hedy@example.com')
    await rows.first().getByRole('link').click()
    await eventually(() => page.locator('h2').textContent()).toBe('Hedy Lamarr')
  })

  it('drags a deal to an allowed stage, and explains a refused move', async () => {
    await page.goto(`${h.url}/#/deals`)
    const column = (stage: string) => page.locator(`section[data-stage="${stage}"]`)
    const prospecting = column('Prospecting').locator('.card')
    await eventually(() => prospecting.count()).toBeGreaterThan(1)
    const first = prospecting.first()
    const name = (await first.getAttribute('data-deal'))!

    // Allowed: the next stage.
    await first.dragTo(column('Qualification'))
    await eventually(() => column('Qualification').locator(`[data-deal="${name}"]`).count()).toBe(1)
    await page.reload()
    await eventually(() => column('Qualification').locator(`[data-deal="${name}"]`).count()).toBe(1)

    // Refused by the pipeline's policy: skipping from Prospecting to Negotiation.
    const other = prospecting.first()
    const otherName = (await other.getAttribute('data-deal'))!
    await other.dragTo(column('Negotiation'))
    const alert = page.getByRole('alert')
    await eventually(() => alert.textContent()).toContain(`Cannot move “${otherName}” to Negotiation`)
    expect(await alert.textContent()).toContain('Guard: policy')
    expect(await column('Prospecting').locator(`[data-deal="${otherName}"]`).count()).toBe(1)

    // Refused for missing fields: a qualified deal without an amount cannot enter Proposal.
    const noAmount = column('Qualification').locator('.card', { hasText: '—' }).first()
    const noAmountName = (await noAmount.getAttribute('data-deal'))!
    await noAmount.dragTo(column('Proposal'))
    await eventually(() => alert.textContent()).toContain(`Cannot move “${noAmountName}” to Proposal`)
    expect(await alert.textContent()).toContain('Guard: requiredFields')
    expect(await alert.textContent()).toMatch(/Missing fields: amount/)
  })

  // Later flows, once their modules land (issue 10 access, issue 12 import): a rep sees a masked field on the
  // contact page; a CSV import creates contacts. Add them here as `it(...)` blocks on the same harness.
})
