// A seeded contacts CSV like the reference's §5.5 file: external id, names (10 % Chinese), e-mail, a US phone in
// national format, company, title, city, country, notes (~5 % quoted with commas or quotes, ~1 % multi-line), ISO
// timestamp; ~140 bytes a row. About 1 % of rows repeat an earlier row's e-mail in another case (in-file duplicates).
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Margaret',
  'Niklaus',
  'Radia',
  'Tim',
]
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Wirth',
]
const CN_FIRST = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋']
const CN_LAST = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵']
const TITLES = ['CTO', 'Engineer', 'VP Sales', 'Head of Ops', 'Analyst', 'Founder']
const CITIES = [
  ['San Francisco', 'US'],
  ['New York', 'US'],
  ['Berlin', 'DE'],
  ['上海', 'CN'],
  ['London', 'GB'],
]
const AREAS = [415, 212, 646, 312, 617, 206, 303, 512, 702, 305]
const DOMAINS = ['example.com', 'mail.example', 'corp.example']
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', '腾讯', 'Stark']

/** A small seeded PRNG (mulberry32), so every run imports the same file. */
function random(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const quote = (s: string) => (/[",\n]/u.test(s) ? `"${s.replaceAll('"', '""')}"` : s)

/** Writes `rows` data rows to `file` with backpressure; returns the bytes written. */
export async function generateContacts(file: string, rows: number, seed = 42): Promise<number> {
  const rnd = random(seed)
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)] as T
  const out = createWriteStream(file)
  let bytes = 0
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text)
    if (!out.write(text)) await once(out, 'drain')
  }
  await write('External Id,First Name,Last Name,Email,Phone,Company,Title,City,Country,Notes,Created\n')
  let chunk = ''
  for (let i = 0; i < rows; i++) {
    const cn = rnd() < 0.1
    const first = cn ? pick(CN_FIRST) : pick(FIRST)
    const last = cn ? pick(CN_LAST) : pick(LAST)
    const dup = i > 100 && rnd() < 0.01
    const n = dup ? Math.floor(rnd() * i) : i
    const email = `contact.${n}@${DOMAINS[n % DOMAINS.length]}`
    // Valid US numbers in national format (real area codes; libphonenumber refuses unassigned ones).
    const phone = `(${AREAS[n % AREAS.length]}) ${200 + ((n >> 4) % 700)}-${String(n % 10000).padStart(4, '0')}`
    const [city, country] = pick(CITIES)
    const r = rnd()
    const notes =
      r < 0.01
        ? `Met at the fair\nfollow up in Q${1 + (n % 4)}`
        : r < 0.05
          ? `Prefers "email", not calls`
          : `Lead ${n}`
    const created = new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString()
    chunk += `EXT-${i},${first},${last},${dup ? email.toUpperCase() : email},${phone},${pick(COMPANIES)},${pick(TITLES)},${city},${country},${quote(notes)},${created}\n`
    if (chunk.length > 64 * 1024) {
      await write(chunk)
      chunk = ''
    }
  }
  await write(chunk)
  out.end()
  await once(out, 'finish')
  return bytes
}
