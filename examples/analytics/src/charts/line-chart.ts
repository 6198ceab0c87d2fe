import { escapeXml, niceTicks, num, svgOpen } from './svg.js'

/** One line of {@link lineChart}. */
export interface LineSeries {
  /** Legend name. */
  readonly name: string
  /** Points, in x order. */
  readonly points: readonly { readonly x: number; readonly y: number }[]
  /** Stroke colour. */
  readonly color: string
  /** Dashed line. */
  readonly dashed?: boolean
}

/** Input of {@link lineChart}. */
export interface LineChartInput {
  /** Chart title. */
  readonly title: string
  /** The lines. */
  readonly series: readonly LineSeries[]
  /** X-axis label. */
  readonly xLabel: string
  /** Y-axis label. */
  readonly yLabel: string
  /** Optional vertical marker, e.g. the end of the calibration period. */
  readonly marker?: { readonly x: number; readonly label: string }
}

/** A line chart as a standalone SVG document. */
export function lineChart(input: LineChartInput): string {
  const width = 760
  const height = 440
  const left = 70
  const right = 20
  const top = 44
  const bottom = 60
  const plotW = width - left - right
  const plotH = height - top - bottom
  const all = input.series.flatMap((s) => s.points)
  const xMin = Math.min(...all.map((p) => p.x))
  const xMax = Math.max(...all.map((p) => p.x))
  const yTicks = niceTicks(Math.max(...all.map((p) => p.y)))
  const yMax = yTicks.at(-1)!
  const x = (v: number) => left + ((v - xMin) / (xMax - xMin || 1)) * plotW
  const y = (v: number) => top + plotH - (v / yMax) * plotH
  const parts = [svgOpen(width, height, input.title)]
  for (const t of yTicks) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${num(y(t))}" y2="${num(y(t))}" stroke="#e0e0e0"/>`,
      `<text x="${left - 6}" y="${num(y(t) + 4)}" text-anchor="end">${t}</text>`,
    )
  }
  for (const t of niceTicks(xMax - xMin, 8)) {
    if (xMin + t > xMax) continue
    parts.push(
      `<text x="${num(x(xMin + t))}" y="${top + plotH + 16}" text-anchor="middle">${xMin + t}</text>`,
    )
  }
  if (input.marker) {
    const mx = num(x(input.marker.x))
    parts.push(
      `<line x1="${mx}" x2="${mx}" y1="${top}" y2="${top + plotH}" stroke="#888888" stroke-dasharray="4 4"/>`,
      `<text x="${mx}" y="${top + 12}" dx="4">${escapeXml(input.marker.label)}</text>`,
    )
  }
  input.series.forEach((s, i) => {
    const d = s.points.map((p) => `${num(x(p.x))},${num(y(p.y))}`).join(' ')
    parts.push(
      `<polyline class="series" data-name="${escapeXml(s.name)}" points="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<line x1="${left + 12}" x2="${left + 40}" y1="${top + 16 + i * 18}" y2="${top + 16 + i * 18}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${left + 46}" y="${top + 20 + i * 18}">${escapeXml(s.name)}</text>`,
    )
  })
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 18}" text-anchor="middle">${escapeXml(input.xLabel)}</text>`,
    `<text x="18" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 18 ${top + plotH / 2})">${escapeXml(input.yLabel)}</text>`,
    '</svg>',
    '',
  )
  return parts.join('\n')
}
