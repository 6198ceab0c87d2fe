/**
 * The analytics example: RFM segments, BTYD models, CLV and churn on the CDNOW sample, with three hand-written SVG
 * charts. Run it with `pnpm --filter @rapport/example-analytics start [outDir]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { churnProbability, churnTrainingSet, rocAuc, trainChurnClassifier } from '@rapport/analytics/churn'
import {
  calibrationAndHoldoutData,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  fitMbgNbd,
  fitParetoNbd,
} from '@rapport/analytics/clv'
import type { RfmSegmentSize } from '@rapport/analytics/rfm'
import { RF_SEGMENTS_10, RFM_SEGMENTS_11, rfmAnalysis } from '@rapport/analytics/rfm'
import { barChart } from './charts/bar-chart.js'
import { histogramChart } from './charts/histogram-chart.js'
import { lineChart } from './charts/line-chart.js'
import { loadCdnow } from './load-cdnow.js'
import type { TrackingWeek } from './tracking.js'
import { trackCumulativeRepeats } from './tracking.js'

/** Options of {@link runAnalyticsExample}. */
export interface ExampleOptions {
  /** Where to write the SVG charts; default `examples/analytics/out`. */
  readonly outDir?: string
  /** The CDNOW sample file; default the copy in `examples/analytics/data`. */
  readonly dataFile?: string | URL
  /** Where printed lines go; default `console.log`. */
  readonly log?: (line: string) => void
}

/** A fitted model's summary line. */
export interface ModelSummary {
  /** Natural-scale parameters. */
  readonly params: Readonly<Record<string, number>>
  /** Log-likelihood at the fit. */
  readonly logLikelihood: number
  /** Whether the optimiser converged. */
  readonly converged: boolean
}

/** Everything the example computed. */
export interface ExampleReport {
  /** Orders and customers read. */
  readonly orders: number
  readonly customers: number
  /** RFM segment sizes as of 1998-07-01 (11-segment map) and the 10-segment R/F map. */
  readonly segments: readonly RfmSegmentSize[]
  readonly rfSegments: readonly RfmSegmentSize[]
  /** Models fitted on the 39-week calibration period (weeks). */
  readonly models: {
    readonly bgNbd: ModelSummary
    readonly mbgNbd: ModelSummary
    readonly paretoNbd: ModelSummary
    readonly gammaGamma: ModelSummary
  }
  /** Holdout (weeks 40–78) repeat purchases: actual and predicted from the calibration fit. */
  readonly holdout: { readonly actual: number; readonly bgNbd: number; readonly paretoNbd: number }
  /** 12-month CLV (1 % monthly discount) per calibration customer. */
  readonly clv: readonly number[]
  /**
   * Churn ("no purchase in the holdout") AUC of 1 − P(alive) under each model, and of the logistic classifier on its
   * own seeded holdout. BG/NBD scores every one-time buyer as certainly alive, which ruins it for this task.
   */
  readonly churnAuc: {
    readonly bgNbd: number | null
    readonly mbgNbd: number | null
    readonly paretoNbd: number | null
    readonly classifier: number | null
  }
  /** Weekly tracking of cumulative repeat purchases, actual vs BG/NBD. */
  readonly tracking: readonly TrackingWeek[]
  /** Paths of the charts written, and their SVG text. */
  readonly charts: Readonly<
    Record<'rfmSegments' | 'clvDistribution' | 'tracking', { path: string; svg: string }>
  >
}

const here = fileURLToPath(new URL('.', import.meta.url))

/** Runs the whole example and writes the charts. */
export function runAnalyticsExample(options: ExampleOptions = {}): ExampleReport {
  const log = options.log ?? ((line: string) => console.log(line))
  const outDir = resolve(options.outDir ?? join(here, '..', 'out'))
  const orders = loadCdnow(options.dataFile ?? join(here, '..', 'data', 'cdnow-sample.txt'))
  const customerCount = new Set(orders.map((o) => o.customerId)).size
  log(`CDNOW sample: ${orders.length} orders by ${customerCount} customers, 1997-01-01 to 1998-06-30`)

  // 1. RFM as of the day after the last order
  const rfmInput = orders.map((o) => ({ customerId: o.customerId, at: o.date, amount: o.amount }))
  const rfm = rfmAnalysis(rfmInput, { asOf: '1998-07-01', segmentMap: RFM_SEGMENTS_11 })
  const rf = rfmAnalysis(rfmInput, { asOf: '1998-07-01', segmentMap: RF_SEGMENTS_10 })
  log('\nRFM segments (11-segment map, quintiles by rank with customer-id tie-break):')
  for (const s of rfm.segments)
    log(`  ${s.segment.padEnd(20)} ${String(s.count).padStart(5)}  ${(100 * s.share).toFixed(1)}%`)

  // 2. BTYD models on a 39-week calibration period, in weeks
  const cal = calibrationAndHoldoutData(orders, {
    customerId: 'customerId',
    datetime: 'date',
    monetary: 'amount',
    calibrationEnd: '1997-09-30',
    observationEnd: '1998-06-30',
    timeUnit: 'D',
    freqMultiplier: 7,
  })
  const customers = cal.map((c) => ({ frequency: c.frequencyCal, recency: c.recencyCal, T: c.TCal }))
  const bg = fitBgNbd(customers)
  const mbg = fitMbgNbd(customers)
  const pareto = fitParetoNbd(customers)
  const gg = fitGammaGamma(
    cal.map((c) => ({ frequency: c.frequencyCal, monetaryValue: c.monetaryValueCal ?? 0 })),
  )
  const summary = (m: { params: object; logLikelihood: number; converged: boolean }): ModelSummary => ({
    params: { ...(m.params as Record<string, number>) },
    logLikelihood: m.logLikelihood,
    converged: m.converged,
  })
  const models = {
    bgNbd: summary(bg),
    mbgNbd: summary(mbg),
    paretoNbd: summary(pareto),
    gammaGamma: summary(gg),
  }
  log(`\nModels fitted on the calibration period (${customers.length} customers, weeks):`)
  for (const [name, m] of Object.entries(models)) {
    const params = Object.entries(m.params)
      .map(([k, v]) => `${k}=${v.toFixed(4)}`)
      .join(' ')
    log(
      `  ${name.padEnd(11)} ${params}  LL=${m.logLikelihood.toFixed(4)}${m.converged ? '' : '  (not converged)'}`,
    )
  }
  const duration = cal[0]!.durationHoldout
  const holdout = {
    actual: cal.reduce((s, c) => s + c.frequencyHoldout, 0),
    bgNbd: customers.reduce((s, c) => s + bg.expectedPurchases(duration, c), 0),
    paretoNbd: customers.reduce((s, c) => s + pareto.expectedPurchases(duration, c), 0),
  }
  log(
    `\nHoldout weeks 40–78: ${holdout.actual} repeat purchases; predicted BG/NBD ${holdout.bgNbd.toFixed(1)}, Pareto/NBD ${holdout.paretoNbd.toFixed(1)}`,
  )

  // 3. CLV: 12 months, 1 % a month, from the calibration fits
  const clv = customerLifetimeValue({
    transactionModel: bg,
    spendModel: gg,
    customers: cal.map((c) => ({
      frequency: c.frequencyCal,
      recency: c.recencyCal,
      T: c.TCal,
      monetaryValue: c.monetaryValueCal ?? 0,
    })),
    time: 12,
    discountRate: 0.01,
    timeUnit: 'W',
  })
  const sortedClv = [...clv].sort((a, b) => a - b)
  const p99 = sortedClv[Math.floor(0.99 * (sortedClv.length - 1))]!
  log(
    `12-month CLV: mean $${(clv.reduce((s, v) => s + v, 0) / clv.length).toFixed(2)}, median $${sortedClv[Math.floor(sortedClv.length / 2)]!.toFixed(2)}, 99th percentile $${p99.toFixed(2)}`,
  )

  // 4. Churn: who made no purchase in the holdout? BG/NBD 1 − P(alive) vs a classifier on RFM features
  const churned = cal.map((c) => c.frequencyHoldout === 0)
  const aucOf = (model: typeof bg | typeof mbg | typeof pareto) =>
    rocAuc(
      customers.map((c) => churnProbability(model, c)),
      churned,
    )
  const classifier = trainChurnClassifier(
    churnTrainingSet(rfmInput, { cutoff: '1997-09-30', horizonDays: 273 }),
  )
  const churnAuc = {
    bgNbd: aucOf(bg),
    mbgNbd: aucOf(mbg),
    paretoNbd: aucOf(pareto),
    classifier: classifier.metrics.holdout?.auc ?? null,
  }
  log('Churn ("no purchase in weeks 40–78") AUC of 1 − P(alive):')
  log(
    `  BG/NBD ${churnAuc.bgNbd?.toFixed(3)} (every one-time buyer counts as alive), MBG/NBD ${churnAuc.mbgNbd?.toFixed(3)}, Pareto/NBD ${churnAuc.paretoNbd?.toFixed(3)}`,
  )
  log(
    `  logistic classifier on recency/frequency/monetary/tenure: ${churnAuc.classifier?.toFixed(3)} (holdout of ${classifier.metrics.holdout?.size})`,
  )

  // 5. Tracking plot
  const tracking = trackCumulativeRepeats(orders, (t) => bg.expectedPurchasesNewCustomer(t), {
    start: '1997-01-01',
    weeks: 78,
  })

  // 6. Charts
  mkdirSync(outDir, { recursive: true })
  const charts = {
    rfmSegments: {
      path: join(outDir, 'rfm-segments.svg'),
      svg: barChart({
        title: 'CDNOW customers per RFM segment (as of 1998-07-01)',
        bars: rfm.segments.map((s) => ({ label: s.segment, value: s.count })),
      }),
    },
    clvDistribution: {
      path: join(outDir, 'clv-distribution.svg'),
      svg: histogramChart({
        title: '12-month CLV per customer (BG/NBD + Gamma-Gamma, 1 % monthly discount)',
        values: clv,
        clipAt: p99,
        xLabel: 'CLV in dollars (last bar: 99th percentile and above)',
      }),
    },
    tracking: {
      path: join(outDir, 'bgnbd-tracking.svg'),
      svg: lineChart({
        title: 'Cumulative repeat purchases: actual vs BG/NBD (fitted on weeks 1–39)',
        xLabel: 'week since 1997-01-01',
        yLabel: 'cumulative repeat purchases',
        marker: { x: 39, label: 'end of calibration' },
        series: [
          { name: 'actual', color: '#4e79a7', points: tracking.map((w) => ({ x: w.week, y: w.actual })) },
          {
            name: 'BG/NBD expected',
            color: '#e15759',
            dashed: true,
            points: tracking.map((w) => ({ x: w.week, y: w.expected })),
          },
        ],
      }),
    },
  }
  for (const chart of Object.values(charts)) writeFileSync(chart.path, chart.svg)
  log(
    `\nCharts written to ${outDir}: ${Object.values(charts)
      .map((c) => c.path.slice(outDir.length + 1))
      .join(', ')}`,
  )

  return {
    orders: orders.length,
    customers: customerCount,
    segments: rfm.segments,
    rfSegments: rf.segments,
    models,
    holdout,
    clv,
    churnAuc,
    tracking,
    charts,
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runAnalyticsExample({ ...(process.argv[2] ? { outDir: process.argv[2] } : {}) })
}
