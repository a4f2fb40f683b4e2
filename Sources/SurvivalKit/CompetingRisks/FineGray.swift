import RealModule
import SurvivalSupport

/// Settings of a Fine–Gray regression.
public struct FineGrayOptions: Sendable {
  /// The cause of interest (a level of the status column; default: the first cause).
  public var cause: String?
  /// The level meaning censored (default: 0, or the first text level).
  public var censoring: String?
  /// Confidence level of the limits.
  public var confLevel: Double = 0.95
  /// Maximum Newton–Raphson iterations.
  public var maxIterations: Int = 20
  /// Convergence: relative change of the log pseudo-likelihood.
  public var epsilon: Double = 1e-9
  /// Non-default reference levels of factors (variable -> level).
  public var references: [String: String] = [:]

  /// Default settings.
  public init() {}
}

/// Fine–Gray proportional subdistribution-hazards regression for one cause of a competing-risk
/// outcome, as `cmprsk::crr` fits it (Fine & Gray 1999, JASA 94:496–509).
///
/// With G the Kaplan–Meier estimate of the censoring distribution, at each time s with d_s
/// events of the cause the risk set holds every row with T >= s (weight 1) and every row
/// that failed of another cause before s, with weight w_j(s) = G(s-)/G(T_j-). The
/// coefficients maximise the weighted partial likelihood (Breslow ties, as crr)
/// Σ_events x_i'β - Σ_s d_s log Σ_j w_j(s) exp(x_j'β).
///
/// The reported variance is crr's: the Fine–Gray sandwich I⁻¹ (Σ_i (η_i + ψ_i)(η_i + ψ_i)') I⁻¹,
/// where η_i is row i's score residual and ψ_i the correction for having estimated G (Fine &
/// Gray 1999, §3). R survival's `finegray()` + weighted `coxph()` gives the same coefficients
/// (with G taken at the same points) but its robust variance treats G as known, so it is
/// slightly smaller; SurvivalKit reports crr's because it is the one the method's paper
/// derives and the one trial statisticians quote.
///
/// - Complexity: O(n log n) for the sort, then O(n p²) per iteration and for the variance.
public enum FineGray {
  /// Fits the subdistribution hazards of `options.cause` on the terms of `formula`
  /// (`Surv(time, cause) ~ x1 + x2`).
  /// - Parameters:
  ///   - table: the data.
  ///   - formula: `Surv(time, cause) ~ covariates`.
  ///   - options: the cause, the censoring level and the rest.
  public static func fit(
    table: DataTable, formula: Formula, options: FineGrayOptions = FineGrayOptions()
  ) throws -> FineGrayFit {
    guard !formula.terms.isEmpty else {
      throw SurvivalKitError.formulaSyntax(
        formula: formula.text, position: formula.text.count,
        message: "a Fine–Gray model needs at least one covariate on the right of '~'")
    }
    guard formula.strata.isEmpty, formula.cluster == nil, formula.response.start == nil else {
      throw SurvivalKitError.formulaSyntax(
        formula: formula.text, position: 0,
        message: "Fine–Gray regression (as cmprsk::crr) takes Surv(time, cause) ~ covariates, "
          + "without strata(), cluster() or entry times")
    }
    let sample = try CompetingRiskSample(
      table: table, formula: formula, censoring: options.censoring, weights: nil,
      regression: true)
    let design = try DesignMatrix.make(
      table: table, formula: formula, sample: sample.eventSample!, references: options.references)
    var causeCode: Int32 = 1
    if let cause = options.cause {
      guard let k = sample.causes.firstIndex(of: cause) else {
        throw SurvivalKitError.invalidArgument(
          name: "cause",
          message: "'\(cause)' is not a cause in the data; the causes are "
            + sample.causes.map { "'\($0)'" }.joined(separator: ", "))
      }
      causeCode = Int32(k + 1)
    }
    return try fit(
      time: sample.time, cause: sample.cause, causeOfInterest: causeCode,
      causeLabel: sample.causes[Int(causeCode) - 1], covariates: design.columns,
      names: design.names, terms: design.terms, dropped: sample.dropped, formula: formula.text,
      references: design.references, options: options)
  }

  /// Fits from arrays: `cause` 0 = censored, `causeOfInterest` the event code modelled, any
  /// other positive code a competing event; `covariates[j][i]` is covariate j of row i.
  /// - Parameters:
  ///   - time: event or censoring time of each row.
  ///   - cause: 0 censored, otherwise the event code.
  ///   - causeOfInterest: the code modelled.
  ///   - covariates: the covariate columns.
  ///   - names: their names.
  ///   - options: confidence level and iteration limits.
  public static func fit(
    time: [Double], cause: [Int32], causeOfInterest: Int32, covariates: [[Double]],
    names: [String], options: FineGrayOptions = FineGrayOptions()
  ) throws -> FineGrayFit {
    try fit(
      time: time, cause: cause, causeOfInterest: causeOfInterest, causeLabel: "\(causeOfInterest)",
      covariates: covariates, names: names, terms: names, dropped: 0,
      formula: "Surv(time, cause) ~ " + names.joined(separator: " + "), references: [:],
      options: options)
  }

  static func fit(
    time: [Double], cause: [Int32], causeOfInterest: Int32, causeLabel: String,
    covariates: [[Double]], names: [String], terms: [String], dropped: Int, formula: String,
    references: [String: String], options: FineGrayOptions
  ) throws -> FineGrayFit {
    guard options.confLevel > 0 && options.confLevel < 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "confidence level", message: "\(options.confLevel) must be between 0 and 1")
    }
    let problem = try FineGrayProblem(
      time: time, cause: cause, causeOfInterest: causeOfInterest, covariates: covariates)
    guard problem.eventTimes > 0 else {
      throw SurvivalKitError.insufficientData(
        message: "no row has the cause '\(causeLabel)'; there is nothing to model")
    }
    let p = covariates.count
    var beta = [Double](repeating: 0, count: p)
    let null = problem.evaluate(beta)
    var current = null
    var iterations = 0
    var converged = false
    while iterations < options.maxIterations {
      iterations += 1
      var step: [Double]
      do {
        step = try LAPACK.solve(current.information, current.score)
      } catch {
        throw SurvivalKitError.linearAlgebra(
          operation: "Fine–Gray fit",
          message: "the information matrix is singular: a covariate is constant or duplicates "
            + "another among the rows at risk; drop it")
      }
      var trial = zip(beta, step).map { $0 + $1 }
      var next = problem.evaluate(trial)
      var halvings = 0
      while !(next.loglik.isFinite && next.loglik >= current.loglik - 1e-12 * abs(current.loglik))
        && halvings < 30
      {
        for j in 0..<p { step[j] /= 2 }
        trial = zip(beta, step).map { $0 + $1 }
        next = problem.evaluate(trial)
        halvings += 1
      }
      guard next.loglik.isFinite else { break }
      let change = abs(1 - current.loglik / next.loglik)
      beta = trial
      current = next
      if change <= options.epsilon {
        converged = true
        break
      }
    }
    if converged, let step = try? LAPACK.solve(current.information, current.score) {
      let trial = zip(beta, step).map { $0 + $1 }
      let next = problem.evaluate(trial)
      if next.loglik.isFinite && next.loglik >= current.loglik {
        beta = trial
        current = next
      }
    }
    let inverse = try LAPACK.inverse(current.information)
    let meat = problem.sandwichMeat(beta)
    var v = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
    for a in 0..<p {
      for b in 0..<p {
        var x = 0.0
        for c in 0..<p {
          for d in 0..<p { x += inverse[a, c] * meat[c * p + d] * inverse[d, b] }
        }
        v[a][b] = x
      }
    }
    let z = Normal.quantile(1 - (1 - options.confLevel) / 2)
    var coefficients: [FineGrayFit.Coefficient] = []
    for j in 0..<p {
      let se = v[j][j].squareRoot()
      let zz = beta[j] / se
      coefficients.append(
        FineGrayFit.Coefficient(
          term: names[j], coef: beta[j], hazardRatio: Double.exp(beta[j]), standardError: se,
          naiveStandardError: inverse[j, j].squareRoot(), z: zz,
          p: 2 * Normal.upperTail(abs(zz)), lower: Double.exp(beta[j] - z * se),
          upper: Double.exp(beta[j] + z * se)))
    }
    return FineGrayFit(
      cause: causeLabel, coefficients: coefficients, variance: v,
      naiveVariance: (0..<p).map { a in (0..<p).map { inverse[a, $0] } }, loglikNull: null.loglik,
      loglik: current.loglik, iterations: iterations, converged: converged, n: time.count,
      events: problem.events, competing: problem.competing, censored: problem.censored,
      dropped: dropped, confLevel: options.confLevel, formula: formula, references: references,
      eventTimes: problem.eventStart.map { problem.t[$0] },
      baselineIncrements: problem.baselineIncrements(beta), means: problem.means,
      columnTerms: terms)
  }
}

/// A fitted Fine–Gray model (cmprsk's `crr` object).
public struct FineGrayFit: Sendable, Equatable {
  /// One coefficient.
  public struct Coefficient: Sendable, Equatable {
    /// Column name, R style.
    public let term: String
    /// The estimate.
    public let coef: Double
    /// Subdistribution hazard ratio exp(coef).
    public let hazardRatio: Double
    /// Fine–Gray sandwich standard error (crr's).
    public let standardError: Double
    /// From the inverse information alone (G treated as known, no sandwich).
    public let naiveStandardError: Double
    /// Estimate / SE.
    public let z: Double
    /// Two-sided p-value (chi-square upper tail for tests).
    public let p: Double
    /// Limits of the subdistribution hazard ratio.
    public let lower: Double
    /// Upper confidence limit.
    public let upper: Double
  }

  /// The cause modelled.
  public let cause: String
  /// One entry per column, in design order.
  public let coefficients: [Coefficient]
  /// Fine–Gray sandwich variance.
  public let variance: [[Double]]
  /// Inverse information.
  public let naiveVariance: [[Double]]
  /// Log pseudo-likelihood at β = 0 and at the fit (crr's `loglik.null`, `loglik`).
  public let loglikNull: Double
  /// Log-likelihood at the fit (the pseudo-likelihood for Fine–Gray).
  public let loglik: Double
  /// Newton–Raphson iterations used.
  public let iterations: Int
  /// Whether the convergence criterion was met.
  public let converged: Bool
  /// Rows used.
  public let n: Int
  /// Rows with the cause of interest, with a competing event, censored.
  public let events: Int
  /// Rows with a competing event.
  public let competing: Int
  /// Censored rows.
  public let censored: Int
  /// Rows dropped for missing values.
  public let dropped: Int
  /// Confidence level of the limits.
  public let confLevel: Double
  /// The formula as written.
  public let formula: String
  /// Reference level of each factor.
  public let references: [String: String]
  /// Distinct event times of the cause, ascending.
  let eventTimes: [Double]
  /// Breslow increments of the baseline subdistribution hazard at `eventTimes`, for
  /// covariates centred at `means`.
  let baselineIncrements: [Double]
  let means: [Double]
  let columnTerms: [String]

  /// The design row of a covariate profile (`age=60`, `sex=M`), as ``AFTFit/profile(_:)``.
  /// - Parameter values: variable -> value as text.
  /// - Throws: when a variable is missing or a value is not valid.
  public func profile(_ values: [String: String]) throws -> [Double] {
    try DesignProfile.row(
      values, names: coefficients.map(\.term), terms: columnTerms, references: references)
  }

  /// Predicted cumulative incidence of the cause for a profile `x` (one value per
  /// coefficient), as `cmprsk::predict.crr`: F(t | x) = 1 - exp(-Λ₀(t) exp(x'β)), with the
  /// Breslow baseline Λ₀(t) = Σ_{s <= t} d_s / Σ_j w_j(s) exp(x_j'β).
  /// - Parameters:
  ///   - x: the covariate values, in coefficient order.
  ///   - times: the times at which to predict.
  /// - Complexity: O(event times + times × log(event times)).
  public func incidence(profile x: [Double], at times: [Double]) throws -> [Double] {
    guard x.count == coefficients.count else {
      throw SurvivalKitError.invalidArgument(
        name: "profile", message: "needs \(coefficients.count) values, one per coefficient")
    }
    var lp = 0.0
    for (j, c) in coefficients.enumerated() { lp += (x[j] - means[j]) * c.coef }
    let risk = Double.exp(lp)
    var cumulative = [Double](repeating: 0, count: eventTimes.count)
    var sum = 0.0
    for k in eventTimes.indices {
      sum += baselineIncrements[k]
      cumulative[k] = sum
    }
    return times.map { t in
      var lo = 0
      var hi = eventTimes.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if eventTimes[mid] <= t { lo = mid + 1 } else { hi = mid }
      }
      return lo == 0 ? 0 : -Double.expMinusOne(-cumulative[lo - 1] * risk)
    }
  }
}

/// Sorted data and the weighted risk-set sums of a Fine–Gray model.
struct FineGrayProblem {
  let n: Int
  let p: Int
  /// Rows in ascending time order: time, status (1 cause, 2 competing, 0 censored), centred x.
  let t: [Double]
  let status: [UInt8]
  let x: [Double]
  /// G(T_i-) for each sorted row.
  let gMinus: [Double]
  let events: Int
  let competing: Int
  let censored: Int
  var eventTimes: Int { eventStart.count }
  /// Covariate means the rows were centred at.
  let means: [Double]
  /// First sorted row of each distinct event time of the cause, and its count.
  let eventStart: [Int]
  let eventCount: [Int]

  init(time: [Double], cause: [Int32], causeOfInterest: Int32, covariates: [[Double]]) throws {
    n = time.count
    p = covariates.count
    let order = SortOrder.order(time)
    var t = [Double](repeating: 0, count: n)
    var status = [UInt8](repeating: 0, count: n)
    var x = [Double](repeating: 0, count: n * p)
    var means = [Double](repeating: 0, count: p)
    for j in 0..<p {
      for v in covariates[j] { means[j] += v }
      means[j] /= Double(max(n, 1))
    }
    for (k, r) in order.enumerated() {
      t[k] = time[r]
      status[k] = cause[r] == 0 ? 0 : (cause[r] == causeOfInterest ? 1 : 2)
      for j in 0..<p { x[k * p + j] = covariates[j][r] - means[j] }
    }
    // Censoring Kaplan–Meier just before each time.
    var g = [Double](repeating: 1, count: n)
    var surv = 1.0
    var i = 0
    var eventStart: [Int] = []
    var eventCount: [Int] = []
    while i < n {
      var j = i
      var c = 0
      var d = 0
      while j < n && t[j] == t[i] {
        if status[j] == 0 { c += 1 }
        if status[j] == 1 { d += 1 }
        j += 1
      }
      // crr evaluates G just before each time, except at time 0 (its approx() at 0 lands on
      // the knot), where censorings at 0 count: followed here so the fits agree.
      if t[i] == 0 && c > 0 { surv *= 1 - Double(c) / Double(n - i) }
      for k in i..<j { g[k] = surv }
      if d > 0 {
        eventStart.append(i)
        eventCount.append(d)
      }
      if c > 0 && t[i] != 0 { surv *= 1 - Double(c) / Double(n - i) }
      i = j
    }
    self.t = t
    self.means = means
    self.status = status
    self.x = x
    self.gMinus = g
    self.events = status.filter { $0 == 1 }.count
    self.competing = status.filter { $0 == 2 }.count
    self.censored = status.filter { $0 == 0 }.count
    self.eventStart = eventStart
    self.eventCount = eventCount
  }

  struct Evaluation {
    var loglik: Double
    var score: [Double]
    var information: Matrix
  }

  /// Risk-set sums S0, S1 (and S2 when asked) at each event time, in event-time order.
  func riskSums(_ beta: [Double], second: Bool) -> (
    s0: [Double], s1: [Double], s2: [Double], e: [Double]
  ) {
    var e = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var lp = 0.0
      for j in 0..<p { lp += x[i * p + j] * beta[j] }
      e[i] = Double.exp(lp)
    }
    let m = eventStart.count
    var s0 = [Double](repeating: 0, count: m)
    var s1 = [Double](repeating: 0, count: m * p)
    var s2 = [Double](repeating: 0, count: second ? m * p * p : 0)
    // Rows still at risk (T >= s): backwards.
    var a0 = 0.0
    var a1 = [Double](repeating: 0, count: p)
    var a2 = [Double](repeating: 0, count: second ? p * p : 0)
    var row = n - 1
    for k in stride(from: m - 1, through: 0, by: -1) {
      while row >= eventStart[k] {
        a0 += e[row]
        for j in 0..<p {
          let xj = x[row * p + j]
          a1[j] += e[row] * xj
          if second { for l in 0..<p { a2[j * p + l] += e[row] * xj * x[row * p + l] } }
        }
        row -= 1
      }
      s0[k] = a0
      for j in 0..<p { s1[k * p + j] = a1[j] }
      if second { for q in 0..<(p * p) { s2[k * p * p + q] = a2[q] } }
    }
    // Competing events before s, weighted G(s-)/G(T-): forwards.
    var b0 = 0.0
    var b1 = [Double](repeating: 0, count: p)
    var b2 = [Double](repeating: 0, count: second ? p * p : 0)
    row = 0
    for k in 0..<m {
      while row < eventStart[k] {
        if status[row] == 2 {
          let w = e[row] / gMinus[row]
          b0 += w
          for j in 0..<p {
            let xj = x[row * p + j]
            b1[j] += w * xj
            if second { for l in 0..<p { b2[j * p + l] += w * xj * x[row * p + l] } }
          }
        }
        row += 1
      }
      let gk = gMinus[eventStart[k]]
      s0[k] += gk * b0
      for j in 0..<p { s1[k * p + j] += gk * b1[j] }
      if second { for q in 0..<(p * p) { s2[k * p * p + q] += gk * b2[q] } }
    }
    return (s0, s1, s2, e)
  }

  func evaluate(_ beta: [Double]) -> Evaluation {
    let (s0, s1, s2, _) = riskSums(beta, second: true)
    var loglik = 0.0
    var score = [Double](repeating: 0, count: p)
    var info = Matrix(zeros: p)
    for i in 0..<n where status[i] == 1 {
      for j in 0..<p {
        loglik += x[i * p + j] * beta[j]
        score[j] += x[i * p + j]
      }
    }
    for k in 0..<eventStart.count {
      let d = Double(eventCount[k])
      loglik -= d * Double.log(s0[k])
      for j in 0..<p {
        let mj = s1[k * p + j] / s0[k]
        score[j] -= d * mj
        for l in 0..<p {
          let ml = s1[k * p + l] / s0[k]
          info[j, l] += d * (s2[k * p * p + j * p + l] / s0[k] - mj * ml)
        }
      }
    }
    return Evaluation(loglik: loglik, score: score, information: info)
  }

  /// Breslow increments d_s / S0(s) of the baseline subdistribution hazard (centred x).
  func baselineIncrements(_ beta: [Double]) -> [Double] {
    let (s0, _, _, _) = riskSums(beta, second: false)
    return eventStart.indices.map { Double(eventCount[$0]) / s0[$0] }
  }

  /// Σ_i (η_i + ψ_i)(η_i + ψ_i)' (row-major p × p), Fine & Gray (1999) §3.
  func sandwichMeat(_ beta: [Double]) -> [Double] {
    let (s0, s1, _, e) = riskSums(beta, second: false)
    let m = eventStart.count
    // Per event time: d/S0, d x̄/S0 and their G-weighted versions.
    var xbar = [Double](repeating: 0, count: m * p)
    for k in 0..<m { for j in 0..<p { xbar[k * p + j] = s1[k * p + j] / s0[k] } }
    var u = [Double](repeating: 0, count: n * p)
    // η, at-risk part: A(t) = Σ_{s <= t} d/S0, B(t) = Σ_{s <= t} d x̄/S0 (forwards).
    var a = 0.0
    var b = [Double](repeating: 0, count: p)
    var k = 0
    var i = 0
    while i < n {
      var j = i
      while j < n && t[j] == t[i] { j += 1 }
      if k < m && eventStart[k] == i {
        let d = Double(eventCount[k])
        a += d / s0[k]
        for q in 0..<p { b[q] += d * xbar[k * p + q] / s0[k] }
        k += 1
      }
      for r in i..<j {
        for q in 0..<p {
          var v = -e[r] * (x[r * p + q] * a - b[q])
          if status[r] == 1 {
            // x̄ at the row's own event time (the current k - 1).
            v += x[r * p + q] - xbar[(k - 1) * p + q]
          }
          u[r * p + q] = v
        }
      }
      i = j
    }
    // η, competing part: C(t) = Σ_{s > t} G d/S0, D(t) = Σ_{s > t} G d x̄/S0 (backwards).
    var c = 0.0
    var dd = [Double](repeating: 0, count: p)
    k = m - 1
    i = n - 1
    while i >= 0 {
      var j = i
      while j >= 0 && t[j] == t[i] { j -= 1 }
      // Rows j+1...i share time t[i]; add event times > t[i] first.
      while k >= 0 && t[eventStart[k]] > t[i] {
        let w = gMinus[eventStart[k]] * Double(eventCount[k]) / s0[k]
        c += w
        for q in 0..<p { dd[q] += w * xbar[k * p + q] }
        k -= 1
      }
      for r in (j + 1)...i where status[r] == 2 {
        let f = e[r] / gMinus[r]
        for q in 0..<p { u[r * p + q] -= f * (x[r * p + q] * c - dd[q]) }
      }
      i = j
    }
    // ψ: q(u) = E1(u) R0(u) - E0(u) R1(u) at each censoring time u, with E over competing
    // events before u and R over event times >= u; ψ_i = [censored] q(T_i)/R(T_i)
    // - Σ_{censorings at u <= T_i} q(u)/R(u)².
    var r0 = [Double](repeating: 0, count: m + 1)
    var r1 = [Double](repeating: 0, count: (m + 1) * p)
    for kk in stride(from: m - 1, through: 0, by: -1) {
      let w = gMinus[eventStart[kk]] * Double(eventCount[kk]) / s0[kk]
      r0[kk] = r0[kk + 1] + w
      for q in 0..<p { r1[kk * p + q] = r1[(kk + 1) * p + q] + w * xbar[kk * p + q] }
    }
    var e0 = 0.0
    var e1 = [Double](repeating: 0, count: p)
    var ss2 = [Double](repeating: 0, count: p)
    var qu = [Double](repeating: 0, count: p)
    var nextEvent = 0
    i = 0
    while i < n {
      var j = i
      var censoredHere = 0
      while j < n && t[j] == t[i] {
        if status[j] == 0 { censoredHere += 1 }
        j += 1
      }
      while nextEvent < m && t[eventStart[nextEvent]] < t[i] { nextEvent += 1 }
      let atRisk = Double(n - i)
      if censoredHere > 0 {
        for q in 0..<p { qu[q] = e1[q] * r0[nextEvent] - e0 * r1[nextEvent * p + q] }
        for q in 0..<p { ss2[q] -= Double(censoredHere) * qu[q] / (atRisk * atRisk) }
      }
      for r in i..<j {
        for q in 0..<p {
          u[r * p + q] += ss2[q] + (status[r] == 0 ? qu[q] / atRisk : 0)
        }
      }
      for r in i..<j where status[r] == 2 {
        let f = e[r] / gMinus[r]
        e0 += f
        for q in 0..<p { e1[q] += f * x[r * p + q] }
      }
      i = j
    }
    var meat = [Double](repeating: 0, count: p * p)
    for r in 0..<n {
      for a1 in 0..<p {
        for b1 in 0..<p { meat[a1 * p + b1] += u[r * p + a1] * u[r * p + b1] }
      }
    }
    return meat
  }
}
