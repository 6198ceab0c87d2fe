import { escapeXml, num, svgOpen } from './svg.js'

/** Input of {@link barChart}. */
export interface BarChartInput {
  /** Chart title. */
  readonly title: string
  /** One bar per item, drawn top to bottom. */
  readonly bars: readonly { readonly label: string; readonly value: number }[]
  /** Formats the value printed after each bar; default the number itself. */
  readonly format?: (value: number) => string
}

/** A horizontal bar chart as a standalone SVG document. */
export function barChart(input: BarChartInput): string {
  const rowHeight = 26
  const left = 170
  const barArea = 460
  const top = 44
  const width = left + barArea + 90
  const height = top + input.bars.length * rowHeight + 16
  const max = Math.max(0, ...input.bars.map((b) => b.value))
  const format = input.format ?? String
  const rows = input.bars.map((b, i) => {
    const y = top + i * rowHeight
    const w = max > 0 ? (b.value / max) * barArea : 0
    return [
      `<text x="${left - 8}" y="${num(y + rowHeight / 2 + 4)}" text-anchor="end">${escapeXml(b.label)}</text>`,
      `<rect class="bar" x="${left}" y="${num(y + 3)}" width="${num(w)}" height="${rowHeight - 6}" fill="#4e79a7"/>`,
      `<text x="${num(left + w + 6)}" y="${num(y + rowHeight / 2 + 4)}">${escapeXml(format(b.value))}</text>`,
    ].join('\n')
  })
  return [svgOpen(width, height, input.title), ...rows, '</svg>', ''].join('\n')
}
