import { escapeXml, niceTicks, num, svgOpen } from './svg.js'

/** Input of {@link histogramChart}. */
export interface HistogramInput {
  /** Chart title. */
  readonly title: string
  /** The values to bin. */
  readonly values: readonly number[]
  /** Number of equal-width bins below the overflow cut; default 30. */
  readonly bins?: number
  /** Values at or above this go to one overflow bin, so a long tail does not squash the chart; default the max. */
  readonly clipAt?: number
  /** X-axis label. */
  readonly xLabel: string
}

/** Bin counts of a histogram: equal-width bins on [min(0, min), clipAt) plus one overflow bin. */
export interface HistogramBins {
  /** Lower edge of each regular bin. */
  readonly edges: readonly number[]
  /** Width of a regular bin. */
  readonly width: number
  /** Count per regular bin. */
  readonly counts: readonly number[]
  /** Values ≥ `clipAt`. */
  readonly overflow: number
}

/** Bins values for {@link histogramChart}. */
export function histogramBins(values: readonly number[], bins: number, clipAt: number): HistogramBins {
  const low = Math.min(0, ...values)
  const width = (clipAt - low) / bins || 1
  const counts = new Array<number>(bins).fill(0)
  let overflow = 0
  for (const v of values) {
    if (v >= clipAt) overflow++
    else counts[Math.min(bins - 1, Math.floor((v - low) / width))]! += 1
  }
  return { edges: counts.map((_, i) => low + i * width), width, counts, overflow }
}

/** A histogram (with an overflow bar) as a standalone SVG document. */
export function histogramChart(input: HistogramInput): string {
  const bins = input.bins ?? 30
  const clipAt = input.clipAt ?? Math.max(...input.values) + 1e-9
  const h = histogramBins(input.values, bins, clipAt)
  const width = 760
  const height = 420
  const left = 60
  const right = 20
  const top = 44
  const bottom = 60
  const plotW = width - left - right
  const plotH = height - top - bottom
  const bars = [...h.counts, ...(h.overflow > 0 ? [h.overflow] : [])]
  const ticks = niceTicks(Math.max(...bars))
  const yMax = ticks.at(-1)!
  const barW = plotW / bars.length
  const y = (v: number) => top + plotH - (v / yMax) * plotH
  const parts = [svgOpen(width, height, input.title)]
  for (const t of ticks) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${num(y(t))}" y2="${num(y(t))}" stroke="#e0e0e0"/>`,
      `<text x="${left - 6}" y="${num(y(t) + 4)}" text-anchor="end">${t}</text>`,
    )
  }
  bars.forEach((count, i) => {
    const overflowBar = i === h.counts.length
    parts.push(
      `<rect class="bar" x="${num(left + i * barW + 1)}" y="${num(y(count))}" width="${num(barW - 2)}" height="${num(top + plotH - y(count))}" fill="${overflowBar ? '#e15759' : '#59a14f'}"/>`,
    )
  })
  const labelEvery = Math.ceil(h.counts.length / 6)
  h.edges.forEach((edge, i) => {
    if (i % labelEvery === 0) {
      parts.push(
        `<text x="${num(left + i * barW)}" y="${top + plotH + 16}" text-anchor="middle">${Math.round(edge)}</text>`,
      )
    }
  })
  if (h.overflow > 0) {
    parts.push(
      `<text x="${num(left + h.counts.length * barW + barW / 2)}" y="${top + plotH + 16}" text-anchor="middle">≥${Math.round(clipAt)}</text>`,
    )
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 18}" text-anchor="middle">${escapeXml(input.xLabel)}</text>`,
    `<text x="16" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + plotH / 2})">customers</text>`,
    '</svg>',
    '',
  )
  return parts.join('\n')
}
