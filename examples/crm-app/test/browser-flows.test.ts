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

  it('shows a company’s 360° timeline (deals, orders, its people’s entries), older pages on demand', async () => {
    // A company with more than one page (30 entries) of history, found through the API the page uses.
    const get = async (path: string) =>
      (await fetch(`${h.url}/api${path}`, { headers: { 'x-demo-user': 'alice' } })).json()
    const companies = (await get('/companies?limit=20')).data as { id: string }[]
    let company: string | undefined
    for (const { id } of companies) {
      if ((await get(`/companies/${id}/timeline?limit=30`)).hasMore) company = id
    }
    expect(company).toBeDefined()
    await page.goto(`${h.url}/#/companies/${company}`)
    const entries = page.locator('ul[aria-label="Timeline"] li')
    await eventually(() => entries.count()).toBe(30)
    await page.getByRole('button', { name: 'Older' }).click()
    await eventually(() => entries.count()).toBeGreaterThan(30)
    const kinds = new Set(await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))))
    for (const kind of ['deal', 'order', 'activity']) expect(kinds).toContain(kind)
    // Paged by core's cursor: every entry once.
    const rows = await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
    expect(new Set(rows).size).toBe(rows.length)

    // A deal's page shows its stage history.
    await page.goto(`${h.url}/#/deals`)
    await page.locator('section[data-stage="Qualification"] .card a').first().click()
    const history = page.locator('ul[aria-label="Stage history"] li')
    await eventually(() => history.count()).toBeGreaterThanOrEqual(2)
    expect(await history.first().textContent()).toContain('Qualification')
  })

  it('shows a sales rep his own contacts with phones and emails masked, and an admin the real ones', async () => {
    await page.goto(`${h.url}/#/contacts`)
    const who = page.getByLabel('Signed in as')
    await who.selectOption('bob')
    const rows = page.locator('tbody tr')
    await eventually(() => rows.count()).toBeGreaterThan(0)
    await eventually(async () =>
      (await rows.allTextContents()).every((t) => !t.includes('hedy@example.com')),
    ).toBe(true)
    await rows.first().getByRole('link').click()
    const phones = page.locator('[data-field="phones"]')
    const emails = page.locator('[data-field="emails"]')
    await eventually(() => phones.textContent()).toMatch(/^\+44 ?\d*\*{3,}\d+$/)
    expect(await emails.textContent()).toMatch(/^\w\*+@/)
    expect(await page.locator('.muted', { hasText: 'Owner' }).textContent()).toContain('Owner bob')

    await who.selectOption('alice')
    await eventually(() => phones.textContent()).toMatch(/^\+4420794600\d\d$/)
    expect(await emails.textContent()).not.toContain('*')
  })

  it('imports contacts from a CSV: the preview writes nothing, the import creates them and lists bad rows', async () => {
    await page.goto(`${h.url}/#/import`)
    await page.getByLabel('Signed in as').selectOption('alice')
    const csv = [
      'First name,Last name,Email,Phone,Title',
      'Katherine,Johnson,katherine@nasa.example,+12025550101,Mathematician',
      'Dorothy,Vaughan,dorothy@nasa.example,+12025550102,Supervisor',
      'Bad,Row,not-an-email,,',
    ].join('\n')
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    const found = async (q: string) =>
      ((await (await fetch(`${h.url}/api/contacts/search?q=${q}`)).json()) as { data: unknown[] }).data.length

    await page.getByRole('button', { name: 'Preview', exact: true }).click()
    const status = page.getByRole('status')
    await eventually(() => status.textContent()).toContain('Preview, nothing written: 2 created, 0 updated')
    expect(await status.textContent()).toContain('1 failed')
    expect(await found('Vaughan')).toBe(0)

    await page.getByRole('button', { name: 'Import', exact: true }).click()
    await eventually(() => status.textContent()).toContain('Imported: 2 created, 0 updated')
    expect(await page.locator('tbody tr').textContent()).toMatch(/^4.*email/i)
    expect(await found('Vaughan')).toBe(1)

    await page.getByRole('link', { name: 'Contacts' }).click()
    await page.getByLabel('Search contacts').fill('Vaughan')
    await eventually(() => page.locator('tbody tr').count()).toBe(1)
    expect(await page.locator('tbody tr').first().textContent()).toContain('dorothy@nasa.example')
  })
})
