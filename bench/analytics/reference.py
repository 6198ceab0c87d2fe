"""Independent NumPy/SciPy reference for the @rapport/analytics/clv benchmark.

Own implementation of the same log-likelihoods (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma, BG/BB, sBG), fitted by
scipy.optimize.minimize (BFGS) on log-parameters from the lifetimes start point (all log-params 0.1). Analytic
gradients are supplied where the JavaScript implementation also has them (BG/NBD, MBG/NBD, Gamma-Gamma); the others
use SciPy's finite differences. Times cover the fit only (not interpreter start-up or file reading); each fit runs
once untimed, then is repeated and the median wall-clock and CPU (process_time) times are reported.

Usage: python3 reference.py CONFIG.json  -> prints one JSON object on stdout.
"""
import json
import statistics
import sys
import time

try:
    import numpy as np
    import scipy
    from scipy.optimize import minimize
    from scipy.special import betaln, digamma, expit, gammaln, hyp2f1, logsumexp
except ImportError as exc:  # pragma: no cover - reported to the caller
    print(json.dumps({"error": f"missing dependency: {exc}"}))
    sys.exit(3)


def read_cdnow(path):
    raw = np.genfromtxt(path, delimiter=",", skip_header=1)
    return raw[:, 1], raw[:, 2], raw[:, 3], raw[:, 4]


# ---------------------------------------------------------------- BG/NBD
def bgnbd_ll(p, x, tx, T, with_grad=False):
    r, alpha, a, b = p
    l1 = np.log(alpha + T)
    l2 = np.log(alpha + tx)
    pos = x > 0
    u = np.log(a) - np.log(np.where(pos, b + x - 1, 1.0)) + (r + x) * (l1 - l2)
    ll = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
          - (r + x) * l1 + np.where(pos, np.logaddexp(0.0, u), 0.0))
    if not with_grad:
        return ll.sum()
    s = np.where(pos, expit(u), 0.0)
    i1 = 1.0 / (alpha + T)
    i2 = 1.0 / (alpha + tx)
    dr = digamma(r + x) - digamma(r) + np.log(alpha) - l1 + s * (l1 - l2)
    dal = r / alpha - (r + x) * i1 + s * (r + x) * (i1 - i2)
    da = digamma(a + b) - digamma(a + b + x) + s / a
    db = digamma(b + x) - digamma(a + b + x) - digamma(b) + digamma(a + b) - s / np.where(pos, b + x - 1, 1.0)
    g = np.array([dr.sum() * r, dal.sum() * alpha, da.sum() * a, db.sum() * b])
    return ll.sum(), g


def mbgnbd_ll(p, x, tx, T, with_grad=False):
    r, alpha, a, b = p
    l1 = np.log(alpha + T)
    l2 = np.log(alpha + tx)
    u = np.log(a) - np.log(b + x) + (r + x) * (l1 - l2)
    ll = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x + 1) - betaln(a, b)
          - (r + x) * l1 + np.logaddexp(0.0, u))
    if not with_grad:
        return ll.sum()
    s = expit(u)
    i1 = 1.0 / (alpha + T)
    i2 = 1.0 / (alpha + tx)
    dr = digamma(r + x) - digamma(r) + np.log(alpha) - l1 + s * (l1 - l2)
    dal = r / alpha - (r + x) * i1 + s * (r + x) * (i1 - i2)
    da = digamma(a + b) - digamma(a + b + x + 1) + s / a
    db = digamma(b + x + 1) - digamma(a + b + x + 1) - digamma(b) + digamma(a + b) - s / (b + x)
    g = np.array([dr.sum() * r, dal.sum() * alpha, da.sum() * a, db.sum() * b])
    return ll.sum(), g


# ---------------------------------------------------------------- Pareto/NBD
def pareto_ll(p, x, tx, T):
    r, alpha, s, beta = p
    if alpha >= beta:
        m, w, p2 = alpha, alpha - beta, s + 1
    else:
        m, w, p2 = beta, beta - alpha, r + x
    rsx = r + s + x
    l1 = np.log(hyp2f1(rsx, p2, rsx + 1, w / (m + tx))) - rsx * np.log(m + tx)
    l2 = np.log(hyp2f1(rsx, p2, rsx + 1, w / (m + T))) - rsx * np.log(m + T)
    with np.errstate(divide="ignore"):
        la0 = l1 + np.log(-np.expm1(np.minimum(l2 - l1, 0.0)))
    first = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    ll = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
          + np.logaddexp(first, np.log(s) - np.log(rsx) + la0))
    return ll.sum()


# ---------------------------------------------------------------- Gamma-Gamma
def gg_ll(p, x, m, with_grad=False):
    pp, q, g = p
    px = pp * x
    lgm = np.log(g + m * x)
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g) + (px - 1) * np.log(m)
          + px * np.log(x) - (px + q) * lgm)
    if not with_grad:
        return ll.sum()
    dp = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - lgm)
    dq = digamma(px + q) - digamma(q) + np.log(g) - lgm
    dg = q / g - (px + q) / (g + m * x)
    return ll.sum(), np.array([dp.sum() * pp, dq.sum() * q, dg.sum() * g])


# ---------------------------------------------------------------- BG/BB
def bgbb_ll(p, x, tx, n, w):
    al, be, ga, de = p
    base = betaln(al + x, be + n - x) - betaln(al, be) + betaln(ga, de + n) - betaln(ga, de)
    terms = [base]
    for i in range(int(n.max())):
        valid = i < n - tx
        t = betaln(al + x, be + tx - x + i) - betaln(al, be) + betaln(ga + 1, de + tx + i) - betaln(ga, de)
        terms.append(np.where(valid, t, -np.inf))
    return (w * logsumexp(np.vstack(terms), axis=0)).sum()


# ---------------------------------------------------------------- sBG
def sbg_ll(p, survivors):
    a, b = p
    t = np.arange(1, len(survivors))
    lost = survivors[:-1] - survivors[1:]
    return (lost * (betaln(a + 1, b + t - 1) - betaln(a, b))).sum() + survivors[-1] * (
        betaln(a, b + len(survivors) - 1) - betaln(a, b))


def fit(ll, k, weight_sum, grad=None, x0=None):
    """BFGS on log-params of the mean negative LL; returns (params, result)."""
    x0 = np.full(k, 0.1) if x0 is None else x0
    if grad is None:
        fun = lambda th: -ll(np.exp(th)) / weight_sum
        res = minimize(fun, x0, method="BFGS", options={"gtol": 1e-6, "maxiter": 1000})
    else:
        def fun(th):
            v, g = grad(np.exp(th))
            return -v / weight_sum, -g / weight_sum
        res = minimize(fun, x0, jac=True, method="BFGS", options={"gtol": 1e-6, "maxiter": 1000})
    return np.exp(res.x), res


def timed(repeats, fn, warmup=1):
    """Median wall-clock and CPU milliseconds of `repeats` runs (after `warmup` untimed runs)."""
    wall, cpu, out = [], [], None
    for _ in range(warmup):
        fn()
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        out = fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return out, (statistics.median(wall), statistics.median(cpu))


def report(name, params_names, params, ll, times, res, n):
    ms, cpu_ms = times
    return {
        "model": name,
        "customers": n,
        "params": dict(zip(params_names, [float(v) for v in params])),
        "logLikelihood": float(ll),
        "timeMs": ms,
        "cpuMs": cpu_ms,
        "iterations": int(res.nit),
        "evaluations": int(res.nfev),
        "success": bool(res.success),
        "message": str(res.message),
    }


def main():
    cfg = json.load(open(sys.argv[1]))
    reps = cfg.get("repeats", 5)
    out = {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__, "models": []}

    x, tx, T, zbar = read_cdnow(cfg["cdnow"])
    n = len(x)

    def time_scaled(llf):
        s = 1.0 / T.max()
        def run():
            p, res = fit(None, 4, n, grad=lambda q: llf(q, x, tx * s, T * s, True))
            return p, res
        (p, res), ms = timed(reps, run)
        p = p.copy()
        p[1] /= s
        return p, res, ms

    for name, llf in (("bg-nbd", bgnbd_ll), ("mbg-nbd", mbgnbd_ll)):
        p, res, ms = time_scaled(llf)  # ms = (wall, cpu)
        out["models"].append(report(name, ["r", "alpha", "a", "b"], p, llf(p, x, tx, T), ms, res, n))

    s = 1.0 / T.max()
    def run_pareto():
        return fit(lambda q: pareto_ll(q, x, tx * s, T * s), 4, n)
    (p, res), ms = timed(reps, run_pareto)
    p = p.copy()
    p[1] /= s
    p[3] /= s
    out["models"].append(report("pareto-nbd", ["r", "alpha", "s", "beta"], p, pareto_ll(p, x, tx, T), ms, res, n))

    rep = x > 0
    xr, mr = x[rep], zbar[rep]
    ms_scale = 1.0 / mr.mean()
    def run_gg():
        return fit(None, 3, len(xr), grad=lambda q: gg_ll(q, xr, mr * ms_scale, True))
    (p, res), ms = timed(reps, run_gg)
    p = p.copy()
    p[2] /= ms_scale
    out["models"].append(report("gamma-gamma", ["p", "q", "gamma"], p, gg_ll(p, xr, mr), ms, res, len(xr)))

    d = np.genfromtxt(cfg["donations"], delimiter=",", skip_header=1)
    bx, btx, bn, bw = d[:, 0], d[:, 1], d[:, 2], d[:, 3]
    (p, res), ms = timed(reps, lambda: fit(lambda q: bgbb_ll(q, bx, btx, bn, bw), 4, bw.sum()))
    out["models"].append(report("bg-bb", ["alpha", "beta", "gamma", "delta"], p, bgbb_ll(p, bx, btx, bn, bw), ms, res,
                                int(bw.sum())))

    surv = np.array(cfg["sbgSurvivors"], dtype=float)
    (p, res), ms = timed(reps, lambda: fit(lambda q: sbg_ll(q, surv), 2, surv[0]))
    out["models"].append(report("shifted-beta-geometric", ["alpha", "beta"], p, sbg_ll(p, surv), ms, res, int(surv[0])))

    if cfg.get("synthetic"):
        syn = np.fromfile(cfg["synthetic"], dtype="<f8").reshape(-1, 3)
        sx, stx, sT = syn[:, 0], syn[:, 1], syn[:, 2]
        sn = len(sx)
        sc = 1.0 / sT.max()
        def run_syn():
            return fit(None, 4, sn, grad=lambda q: bgnbd_ll(q, sx, stx * sc, sT * sc, True))
        (p, res), ms = timed(cfg.get("syntheticRepeats", 1), run_syn, warmup=0)
        p = p.copy()
        p[1] /= sc
        row = report("bg-nbd", ["r", "alpha", "a", "b"], p, bgnbd_ll(p, sx, stx, sT), ms, res, sn)
        row["dataset"] = "synthetic"
        out["models"].append(row)

    print(json.dumps(out))


if __name__ == "__main__":
    main()
