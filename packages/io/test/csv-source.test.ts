import { isRapportError } from '@rapport/core'
import { stringify } from 'csv-stringify/sync'
import fc from 'fast-check'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import type { SourceRow } from '../src/index.js'
import { detectEncoding, escapeFormula, readCsv } from '../src/index.js'

async function all(rows: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = []
  for await (const row of rows) out.push(row)
  return out
}

const CHINESE = '姓名,城市\n王伟,北京\n𠮷野家,上海\n'

describe('reading CSV', () => {
  it('reads UTF-8 with and without a BOM, and GB18030/GBK from Excel, to the same rows', async () => {
    const inputs = [
      Buffer.from(CHINESE, 'utf8'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CHINESE, 'utf8')]),
      iconv.encode(CHINESE, 'gb18030'),
    ]
    const read = await Promise.all(
      inputs.map(async (bytes) => {
        const { headers, rows } = await readCsv(bytes)
        return { headers, rows: (await all(rows)).map((r) => r.values) }
      }),
    )
    for (const r of read) {
      expect(r.headers).toEqual(['姓名', '城市'])
      expect(r.rows).toEqual([
        ['王伟', '北京'],
        ['𠮷野家', '上海'],
      ])
    }
    expect(detectEncoding(inputs[2]!)).toBe('gb18030')
    expect(detectEncoding(inputs[0]!)).toBe('utf-8')
    const gbk = await readCsv(iconv.encode('姓名\n王伟\n', 'gbk'), { encoding: 'gbk' })
    expect((await all(gbk.rows))[0]!.values).toEqual(['王伟'])
  })

  it('a GB18030 file read as UTF-8 is IO_ENCODING_MISMATCH before any row', async () => {
    const error = await readCsv(iconv.encode(CHINESE, 'gb18030'), { encoding: 'utf-8' }).catch((e) => e)
    expect(isRapportError(error, 'IO_ENCODING_MISMATCH')).toBe(true)
  })

  it('bytes invalid in the detected encoding fail their own row only', async () => {
    const good = Buffer.from(`name\n${'a\n'.repeat(40_000)}`, 'utf8') // past the 64 KiB detection sample
    const bytes = Buffer.concat([good, Buffer.from([0x62, 0xff, 0xfe, 0x0a]), Buffer.from('c\n')])
    const rows = await all((await readCsv(bytes)).rows)
    expect(rows).toHaveLength(40_002)
    const bad = rows.filter((r) => r.issues.length > 0)
    expect(bad.map((r) => [r.line, r.issues[0]!.code])).toEqual([[40_002, 'invalid_encoding']])
    expect(rows[40_001]!.values).toEqual(['c'])
  })

  it('ragged rows and malformed lines are per-row issues; later rows still read', async () => {
    const text =
      'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12,,\n"x,y",Ann "the" Smith,z\n13,14,15\n"open,16,17\n18,19,20\n'
    const { headers, rows } = await readCsv(Buffer.from(text))
    expect(headers).toEqual(['a', 'b', 'c'])
    const got = (await all(rows)).map((r) => [r.line, r.values.join('|'), r.issues.map((i) => i.code).join()])
    expect(got).toEqual([
      [2, '1|2|3', ''],
      [3, '4|5', 'ragged_row'],
      [4, '6|7|8|9', 'ragged_row'],
      [5, '10|11|12||', ''], // trailing empty cells, as Excel writes them, are not ragged
      [6, 'x,y|Ann "the" Smith|z', ''],
      [7, '13|14|15', ''],
      [9, '', 'malformed_csv'], // a quote never closed: the reader stops there with an issue
    ])
  })

  it('a file without a header row is IO_BAD_FILE', async () => {
    const error = await readCsv(Buffer.from('')).catch((e) => e)
    expect(isRapportError(error, 'IO_BAD_FILE')).toBe(true)
  })

  it('round trip: any table written by csv-stringify reads back cell for cell (property)', async () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r\n', '王', '𠮷', "'", '=', 'é'),
    })
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }).chain((width) =>
          fc.tuple(
            fc.uniqueArray(
              fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom('h', 'x', '1', '名') }),
              {
                minLength: width,
                maxLength: width,
              },
            ),
            fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 20 }),
          ),
        ),
        fc.boolean(),
        async ([headers, body], gb) => {
          const text = stringify([headers, ...body])
          const bytes = gb ? iconv.encode(text, 'gb18030') : Buffer.from(`\uFEFF${text}`, 'utf8')
          const source = await readCsv(bytes, { encoding: gb ? 'gb18030' : 'auto' })
          expect(source.headers).toEqual(headers.map((h) => h.trim()))
          const rows = await all(source.rows)
          expect(rows.map((r) => r.values)).toEqual(body)
          expect(rows.every((r) => r.issues.length === 0)).toBe(true)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('formula escaping: nothing escaped starts like a formula, and only a leading quote is added (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', 'a', '1', "'", ' ') }),
        (s) => {
          const out = escapeFormula(s)
          expect(/^[=+\-@\t\r]/u.test(out)).toBe(false)
          expect(out === s || out === `'${s}`).toBe(true)
        },
      ),
    )
    expect(escapeFormula('=1+2')).toBe("'=1+2")
    expect(escapeFormula('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(escapeFormula('Ann')).toBe('Ann')
  })
})
