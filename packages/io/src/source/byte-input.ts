import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'

/** What a reader accepts: a file path, the bytes themselves, or a stream of bytes (read with backpressure). */
export type ByteInput = string | Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream

/** A readable stream of bytes over any {@link ByteInput}. */
export function byteStream(input: ByteInput): Readable {
  if (typeof input === 'string') return createReadStream(input, { highWaterMark: 64 * 1024 })
  if (input instanceof Uint8Array) return Readable.from([Buffer.from(input)], { objectMode: false })
  if (input instanceof Readable) return input
  return Readable.from(input as AsyncIterable<Uint8Array>, { objectMode: false })
}
