/**
 * Hourly usage forecasting by exponential smoothing, with prediction intervals.
 *
 * The model is chosen by how much history there is:
 * - ≥ 2 weeks (336 h): double seasonal Holt-Winters (Taylor, 2003) with a daily (24 h) and a
 *   weekly (168 h) additive season and an additive trend;
 * - ≥ 2 days (48 h): Holt-Winters with the daily season only;
 * - ≥ 10 h: Holt's linear trend;
 * - ≥ 2 h: simple exponential smoothing;
 * - 1 h: that value, repeated.
 *
 * Smoothing parameters are chosen by grid search on the one-step-ahead squared error. The
 * models are written in error-correction form (ETS(A,A,A) style):
 *   e_t = y_t − (ℓ + b + d_{t−24} + w_{t−168})
 *   ℓ ← ℓ + b + α e_t;  b ← b + αβ e_t;  d_t = d_{t−24} + γ e_t;  w_t = w_{t−168} + δ e_t
 * so that the h-step forecast error variance has the closed form (Hyndman et al., 2008,
 * "class 1" models): σ² (1 + Σ_{j=1}^{h−1} c_j²), c_j = α(1 + jβ) + γ·[24 | j] + δ·[168 | j],
 * with σ² the in-sample one-step residual variance. The total over a horizon of H hours has
 * variance σ² Σ_{k=1}^{H} (Σ_{j=0}^{H−k} c_j)² (c_0 = 1), since each future shock enters every
 * later hour's error. Intervals are normal, at the requested level.
 */

/** The model a forecast used. */
export type ForecastModel = 'holt-winters-double-seasonal' | 'holt-winters-daily' | 'holt-linear' | 'simple-exponential-smoothing' | 'naive';

/** Options of {@link forecastHourly}. */
export interface ForecastOptions {
  /** Hours to forecast. */
  readonly horizon: number;
  /** Coverage of the prediction intervals (default 0.95). */
  readonly level?: number | undefined;
  /** Clamp forecasts and bounds at this floor (default none; usage forecasts pass 0). */
  readonly floor?: number | undefined;
}

/** Smoothing parameters of a fitted model (absent ones are unused by it). */
export interface SmoothingParams {
  /** Level smoothing. */
  readonly alpha: number;
  /** Trend smoothing (as a share of alpha). */
  readonly beta?: number;
  /** Daily season smoothing. */
  readonly gamma?: number;
  /** Weekly season smoothing. */
  readonly delta?: number;
}

/** A sum over the horizon with its interval. */
export interface ForecastTotal {
  /** Expected total. */
  readonly point: number;
  /** Lower bound. */
  readonly lower: number;
  /** Upper bound. */
  readonly upper: number;
}

/** A forecast: per hour and in total, with intervals. */
export interface HourlyForecast {
  /** Model used. */
  readonly model: ForecastModel;
  /** Smoothing parameters chosen (absent ones are unused by the model). */
  readonly params: SmoothingParams;
  /** Point forecast per hour. */
  readonly point: readonly number[];
  /** Lower bound per hour. */
  readonly lower: readonly number[];
  /** Upper bound per hour. */
  readonly upper: readonly number[];
  /** Sum over the horizon, with its interval. */
  readonly total: ForecastTotal;
  /** One-step residual standard deviation in the history. */
  readonly residualStd: number;
  /** Interval coverage level. */
  readonly level: number;
}

const DAY = 24;
const WEEK = 168;

interface Params {
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
}

interface ModelShape {
  readonly trend: boolean;
  readonly daily: boolean;
  readonly weekly: boolean;
}

/** Runs the smoother; returns the one-step SSE and the final state. */
function smooth(y: readonly number[], shape: ModelShape, p: Params, keepResiduals: boolean) {
  const n = y.length;
  // Initial state from the first season(s): level = mean of the first period, trend from the
  // difference of the first two periods, seasonal indices = deviations from those means.
  const period = shape.weekly ? WEEK : shape.daily ? DAY : Math.min(n, 4);
  const first = mean(y, 0, Math.min(period, n));
  let level = first;
  let trend = 0;
  if (shape.trend && n >= 2 * period) trend = (mean(y, period, 2 * period) - first) / period;
  else if (shape.trend && n >= 2) trend = (y[Math.min(n, period) - 1]! - y[0]!) / Math.max(1, Math.min(n, period) - 1);
  const daily = new Float64Array(DAY);
  const weekly = new Float64Array(WEEK);
  if (shape.daily) {
    const span = Math.min(n, shape.weekly ? 2 * WEEK : 2 * DAY);
    const sums = new Float64Array(DAY);
    const counts = new Float64Array(DAY);
    for (let t = 0; t < span; t++) {
      sums[t % DAY]! += y[t]! - (first + trend * (t - (period - 1) / 2));
      counts[t % DAY]!++;
    }
    for (let i = 0; i < DAY; i++) daily[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : 0;
    centre(daily);
  }
  if (shape.weekly) {
    const span = Math.min(n, 2 * WEEK);
    const sums = new Float64Array(WEEK);
    const counts = new Float64Array(WEEK);
    for (let t = 0; t < span; t++) {
      sums[t % WEEK]! += y[t]! - (first + trend * (t - (period - 1) / 2)) - daily[t % DAY]!;
      counts[t % WEEK]!++;
    }
    for (let i = 0; i < WEEK; i++) weekly[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : 0;
    centre(weekly);
  }
  // The level estimate belongs to the middle of the first period; move it to just before t = 0.
  if (shape.trend) level = first - trend * ((period - 1) / 2 + 1);

  let sse = 0;
  const residuals: number[] = [];
  for (let t = 0; t < n; t++) {
    const d = shape.daily ? daily[t % DAY]! : 0;
    const w = shape.weekly ? weekly[t % WEEK]! : 0;
    const forecast = level + (shape.trend ? trend : 0) + d + w;
    const e = y[t]! - forecast;
    sse += e * e;
    if (keepResiduals) residuals.push(e);
    level = level + (shape.trend ? trend : 0) + p.alpha * e;
    if (shape.trend) trend = trend + p.alpha * p.beta * e;
    if (shape.daily) daily[t % DAY] = d + p.gamma * e;
    if (shape.weekly) weekly[t % WEEK] = w + p.delta * e;
  }
  return { sse, level, trend, daily, weekly, residuals };
}

function mean(y: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += y[i]!;
  return to > from ? s / (to - from) : 0;
}

function centre(season: Float64Array): void {
  let s = 0;
  for (const v of season) s += v;
  const m = s / season.length;
  for (let i = 0; i < season.length; i++) season[i]! -= m;
}

const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8];
const BETAS = [0, 0.01, 0.05, 0.15];
const GAMMAS = [0.02, 0.05, 0.1, 0.2, 0.35];
const DELTAS = [0.02, 0.05, 0.1, 0.2, 0.35];

function fit(y: readonly number[], shape: ModelShape): Params {
  let best: Params = { alpha: 0.2, beta: 0, gamma: 0, delta: 0 };
  let bestSse = Infinity;
  for (const alpha of ALPHAS) {
    for (const beta of shape.trend ? BETAS : [0]) {
      for (const gamma of shape.daily ? GAMMAS : [0]) {
        for (const delta of shape.weekly ? DELTAS : [0]) {
          const p = { alpha, beta, gamma, delta };
          const { sse } = smooth(y, shape, p, false);
          if (sse < bestSse) {
            bestSse = sse;
            best = p;
          }
        }
      }
    }
  }
  return best;
}

/** Standard normal quantile (Acklam's rational approximation; relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError('[novacron] normalQuantile: p must be in (0, 1)');
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

function modelFor(n: number): { model: ForecastModel; shape: ModelShape } {
  if (n >= 2 * WEEK) return { model: 'holt-winters-double-seasonal', shape: { trend: true, daily: true, weekly: true } };
  if (n >= 2 * DAY) return { model: 'holt-winters-daily', shape: { trend: true, daily: true, weekly: false } };
  if (n >= 10) return { model: 'holt-linear', shape: { trend: true, daily: false, weekly: false } };
  return { model: 'simple-exponential-smoothing', shape: { trend: false, daily: false, weekly: false } };
}

/**
 * Forecasts the next `horizon` hours of an hourly series (oldest first), with prediction
 * intervals per hour and for the total. See the module comment for the models and formulas.
 */
export function forecastHourly(history: readonly number[], options: ForecastOptions): HourlyForecast {
  const horizon = Math.floor(options.horizon);
  const level = options.level ?? 0.95;
  if (!(horizon >= 1)) throw new RangeError('[novacron] forecast: horizon must be at least 1 hour');
  if (!(level > 0 && level < 1)) throw new RangeError('[novacron] forecast: level must be in (0, 1)');
  if (history.length === 0) throw new RangeError('[novacron] forecast: history is empty');
  for (const v of history) if (!Number.isFinite(v)) throw new RangeError('[novacron] forecast: history holds a non-finite value');
  const floor = options.floor ?? -Infinity;
  const z = normalQuantile(0.5 + level / 2);
  const n = history.length;

  if (n < 2) {
    const v = history[0]!;
    const point = new Array<number>(horizon).fill(Math.max(floor, v));
    // One observation says nothing about spread: the interval is the value ± 100% of it.
    const spread = Math.abs(v);
    return finish('naive', { alpha: 1 }, point, point.map(() => Math.max(floor, v - spread)), point.map(() => Math.max(floor, v + spread)), spread * horizon, spread, level, floor);
  }

  const { model, shape } = modelFor(n);
  const p = fit(history, shape);
  const state = smooth(history, shape, p, true);
  // Skip the first period's residuals: they reflect the initialization, not the model.
  const burn = Math.min(Math.floor(n / 4), shape.weekly ? WEEK : shape.daily ? DAY : 2);
  const rs = state.residuals.slice(burn);
  const sigma = Math.sqrt(rs.reduce((s, e) => s + e * e, 0) / Math.max(1, rs.length - 1));

  const point: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  const c = new Float64Array(horizon); // c[0] = 1, c[j] as in the module comment
  c[0] = 1;
  let sumSq = 0;
  for (let h = 1; h <= horizon; h++) {
    const t = n + h - 1;
    const f =
      state.level +
      (shape.trend ? h * state.trend : 0) +
      (shape.daily ? state.daily[t % DAY]! : 0) +
      (shape.weekly ? state.weekly[t % WEEK]! : 0);
    if (h >= 2) {
      const j = h - 1;
      c[j] = p.alpha * (1 + j * p.beta) + (shape.daily && j % DAY === 0 ? p.gamma : 0) + (shape.weekly && j % WEEK === 0 ? p.delta : 0);
      sumSq += c[j]! * c[j]!;
    }
    const half = z * sigma * Math.sqrt(1 + sumSq);
    point.push(Math.max(floor, f));
    lower.push(Math.max(floor, f - half));
    upper.push(Math.max(floor, f + half));
  }
  // Variance of the total: σ² Σ_k (Σ_{j=0}^{H−k} c_j)².
  let prefix = 0;
  let totalVar = 0;
  for (let j = 0; j < horizon; j++) {
    prefix += c[j]!;
    totalVar += prefix * prefix;
  }
  return finish(model, { alpha: p.alpha, ...(shape.trend ? { beta: p.beta } : {}), ...(shape.daily ? { gamma: p.gamma } : {}), ...(shape.weekly ? { delta: p.delta } : {}) }, point, lower, upper, z * sigma * Math.sqrt(totalVar), sigma, level, floor);
}

function finish(
  model: ForecastModel,
  params: HourlyForecast['params'],
  point: number[],
  lower: number[],
  upper: number[],
  totalHalfWidth: number,
  sigma: number,
  level: number,
  floor: number,
): HourlyForecast {
  const total = point.reduce((s, v) => s + v, 0);
  const lowestTotal = Number.isFinite(floor) ? floor * point.length : -Infinity;
  return {
    model,
    params,
    point,
    lower,
    upper,
    total: { point: total, lower: Math.max(lowestTotal, total - totalHalfWidth), upper: total + totalHalfWidth },
    residualStd: sigma,
    level,
  };
}

/**
 * How well the chosen model would have forecast the last `holdout` hours of `history` from the
 * hours before them (default: the last week when there are three weeks or more, else the last
 * day): the weighted absolute percentage error Σ|y − ŷ| / Σ|y|, robust to hours with zero usage,
 * unlike MAPE. When the held-out hours are all zero, the history's mean level stands in for Σ|y|.
 * `undefined` when the history is too short to hold anything out.
 */
export function backtestError(history: readonly number[], holdout = history.length >= 3 * WEEK ? WEEK : DAY): number | undefined {
  if (history.length < holdout + 10) return undefined;
  const train = history.slice(0, history.length - holdout);
  const test = history.slice(history.length - holdout);
  const f = forecastHourly(train, { horizon: holdout });
  let err = 0;
  let scale = 0;
  for (let i = 0; i < holdout; i++) {
    err += Math.abs(test[i]! - f.point[i]!);
    scale += Math.abs(test[i]!);
  }
  if (scale === 0) scale = (train.reduce((s, v) => s + Math.abs(v), 0) / train.length) * holdout;
  return scale > 0 ? err / scale : err === 0 ? 0 : 1;
}
