/**
 * Takes the README's screenshots of the demo CRM with Debian's Chromium: `pnpm --filter @rapport/example-crm-app
 * run screenshots` writes docs/screenshots/crm-*.png at the repository root.
 */
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { startHarness } from './harness.js'

const out = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))
await mkdir(out, { recursive: true })
const h = await startHarness()
try {
  const page = await h.browser.newPage({ viewport: { width: 1360, height: 860 } })
  const shoot = async (hash: string, name: string, ready: string) => {
    await page.goto(`${h.url}/#${hash}`)
    await page.locator(ready).first().waitFor()
    await page.waitForTimeout(800)
    await page.screenshot({ path: `${out}crm-${name}.png` })
  }
  await shoot('/contacts', 'contacts', 'tbody tr')
  await page.locator('tbody tr a').first().click()
  await page.locator('.timeline li').first().waitFor()
  await page.waitForTimeout(500)
  await page.screenshot({ path: `${out}crm-contact.png` })
  await shoot('/deals', 'deals', '.card')
  const card = page.locator('section[data-stage="Prospecting"] .card').first()
  await card.dragTo(page.locator('section[data-stage="Negotiation"]'))
  await page.getByRole('alert').waitFor()
  await page.waitForTimeout(500)
  await page.screenshot({ path: `${out}crm-deals-refused.png` })
  await shoot('/tickets', 'tickets', 'tbody tr .badge')
  await shoot('/analytics', 'analytics', '.recharts-bar-rectangle')

  // A sales rep (bob) on one of his contacts: phones and emails masked by the access policy.
  await page.goto(`${h.url}/#/contacts`)
  await page.getByLabel('Signed in as').selectOption('bob')
  await page.locator('tbody tr a').first().waitFor()
  await page.locator('tbody tr a').first().click()
  await page.locator('[data-field="phones"]', { hasText: '*' }).waitFor()
  await page.waitForTimeout(500)
  await page.screenshot({ path: `${out}crm-contact-masked.png` })

  // The CSV import after a preview: what would be created, and the refused row with its reason.
  await page.getByLabel('Signed in as').selectOption('alice')
  await page.goto(`${h.url}/#/import`)
  const csv = [
    'First name,Last name,Email,Phone,Title',
    'Katherine,Johnson,katherine@nasa.example,+12025550101,Mathematician',
    'Dorothy,Vaughan,dorothy@nasa.example,+12025550102,Supervisor',
    'Bad,Row,not-an-email,,',
  ].join('\n')
  await page
    .getByLabel('CSV file')
    .setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.getByRole('button', { name: 'Preview', exact: true }).click()
  await page.getByRole('status').filter({ hasText: 'nothing written' }).waitFor()
  await page.waitForTimeout(500)
  await page.screenshot({ path: `${out}crm-import.png` })
  console.log(`screenshots written to ${out}`)
} finally {
  await h.close()
}
