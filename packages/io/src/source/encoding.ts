import { Transform } from 'node:stream'
import { RapportError } from '@rapport/core'
import iconv from 'iconv-lite'

/** The encodings an import reads: UTF-8 (with or without BOM) and GB18030 (a superset of GBK, Excel's CSV on Chinese Windows). */
export const importEncodings = ['utf-8', 'gb18030', 'gbk'] as const

/** An encoding of {@link importEncodings}, or `auto` to detect it. */
export type ImportEncoding = (typeof importEncodings)[number] | 'auto'

const SAMPLE_BYTES = 64 * 1024

/**
 * The encoding of a file from its first bytes: a UTF-8 BOM says UTF-8; bytes that decode as strict UTF-8 are UTF-8;
 * anything else is `fallback` (GB18030 by default: Excel's "CSV" on Simplified-Chinese Windows writes GBK, and
 * GB18030 decodes every GBK file). A sample cut inside a UTF-8 sequence is not held against it.
 *
 * @example
 * ```ts
 * detectEncoding(Buffer.from('名字', 'utf8')) // 'utf-8'
 * detectEncoding(iconv.encode('名字', 'gbk')) // 'gb18030'
 * ```
 */
export function detectEncoding(
  sample: Uint8Array,
  fallback: 'gb18030' | 'gbk' = 'gb18030',
): 'utf-8' | 'gb18030' | 'gbk' {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8'
  return isUtf8(sample.subarray(0, SAMPLE_BYTES)) ? 'utf-8' : fallback
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    // stream: true keeps a sequence cut at the sample's end pending instead of failing on it.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
    return true
  } catch {
    return false
  }
}

/**
 * A transform from bytes to text in `encoding`, detecting it from the first 64 KiB when `auto`. Bytes that are not
 * valid in the encoding become U+FFFD, which the reader reports per row (`invalid_encoding`). An explicit `utf-8`
 * on a file whose first bytes are not UTF-8 fails at once with `IO_ENCODING_MISMATCH`, before any row is read.
 */
export function decodeStream(encoding: ImportEncoding, fallback: 'gb18030' | 'gbk' = 'gb18030'): Transform {
  let chunks: Buffer[] = []
  let size = 0
  let decoder: ReturnType<typeof iconv.getDecoder> | null = null
  const start = (self: Transform, sample: Buffer) => {
    const chosen = encoding === 'auto' ? detectEncoding(sample, fallback) : encoding
    if (encoding === 'utf-8' && sample[0] !== 0xef && !isUtf8(sample.subarray(0, SAMPLE_BYTES))) {
      throw new RapportError(
        'IO_ENCODING_MISMATCH',
        'The file is not UTF-8; pass encoding "gb18030" or "auto"',
        {
          details: { encoding },
        },
      )
    }
    // iconv-lite strips a UTF-8 BOM by default.
    decoder = iconv.getDecoder(chosen === 'gbk' ? 'gb18030' : chosen)
    const text = decoder.write(sample)
    if (text) self.push(text)
  }
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      try {
        if (decoder) {
          const text = decoder.write(chunk)
          if (text) this.push(text)
        } else {
          chunks.push(chunk)
          size += chunk.length
          if (size >= SAMPLE_BYTES) {
            const sample = Buffer.concat(chunks)
            chunks = []
            start(this, sample)
          }
        }
        done()
      } catch (error) {
        done(error as Error)
      }
    },
    flush(done) {
      try {
        if (!decoder) start(this, Buffer.concat(chunks))
        const rest = decoder?.end()
        if (rest) this.push(rest)
        done()
      } catch (error) {
        done(error as Error)
      }
    },
  })
}
