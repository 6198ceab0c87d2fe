import type { BtydCustomer } from './customer-data.js'
import type { FitReport } from './fit-report.js'

/**
 * What every continuous-time transaction model (BG/NBD, MBG/NBD, Pareto/NBD) can predict. Times are in the unit
 * the model was fitted in (the unit of the customers' `T`).
 */
export interface TransactionModel<P> {
  /** Model name, e.g. `'bg-nbd'`. */
  readonly model: string
  /** Natural-scale parameters. */
  readonly params: Readonly<P>
  /** Expected number of repeat purchases in (T, T + t] for this customer: E[Y(t) | x, t_x, T]. */
  expectedPurchases(t: number, customer: BtydCustomer): number
  /** Probability the customer is still alive at T, given their history. */
  probabilityAlive(customer: BtydCustomer): number
  /** Expected repeat purchases of a randomly chosen new customer in (0, t]: E[X(t)]. */
  expectedPurchasesNewCustomer(t: number): number
  /** Probability a randomly chosen new customer makes exactly n repeat purchases in (0, t]: P(X(t) = n). */
  probabilityOfPurchases(n: number, t: number): number
  /** Total (weighted) log-likelihood of a data set under these parameters. */
  logLikelihoodOf(customers: readonly BtydCustomer[]): number
}

/** The outcome fields every `fit*` function adds to its model. */
export interface FitOutcome {
  /** Total weighted log-likelihood at the fitted parameters (without the penalty). */
  readonly logLikelihood: number
  /** Same as `report.converged`. */
  readonly converged: boolean
  /** Optimiser diagnostics. */
  readonly report: FitReport
}

/** A model returned by a `fit*` function: the model plus its {@link FitOutcome}. */
export type Fitted<M> = M & FitOutcome
