import RealModule
import SurvivalSupport

/// Settings of a parametric (accelerated failure time) survival model.
public struct AFTOptions: Sendable {
  /// The distribution of the event times.
  public var distribution: AFTDistribution = .weibull
  /// Name of a column of positive case weights.
  public var weights: String?
  /// Robust (sandwich) variance; nil means R's default: on with `cluster()`, else off.
  public var robust: Bool?
  /// Confidence level of the limits.
  public var confLevel: Double = 0.95
  /// Maximum Newton–Raphson iterations (R's `survreg.control(iter.max = 30)`).
  public var maxIterations: Int = 30
  /// Convergence: relative change of the log-likelihood (R's `rel.tolerance = 1e-9`).
  public var epsilon: Double = 1e-9
  /// Non-default reference levels of factors (variable -> level).
  public var references: [String: String] = [:]
  /// Read `Surv(left, right)` as interval-censored data (R's `type = "interval2"`): a missing
  /// left is left-censored, a missing right right-censored, left == right exact.
  public var interval: Bool = false

  /// Default settings.
  public init() {}
}

/// Parametric survival regression by maximum likelihood, as R's `survreg`.
///
/// log(T) = x'β + σ_s ε with ε from the distribution's standard family (see
/// ``AFTDistribution``), one scale σ_s per `strata()` stratum. The log-likelihood sums
/// w_i [log f(z_i) - log σ] over exact times, w_i log S(z_i) over right-censored,
/// w_i log F(z_i) over left-censored and w_i log(F(z_u) - F(z_l)) over interval-censored
/// rows, z = (log t - x'β)/σ; the reported log-likelihood adds R's Jacobian term
/// -Σ w_i log t_i over exact times, so it is the likelihood of T, not of log T.
/// Newton–Raphson on (β, log σ) from the intercept-only fit, the information matrix solved by
/// LAPACK's Cholesky routines, with step halving when the likelihood falls; stop when the
/// relative change of the log-likelihood is below `epsilon`.
///
/// Reference: Kalbfleisch & Prentice (2002), ch. 3; Therneau, R `survival::survreg`.
///
/// - Complexity: O(n p²) per iteration.
public enum AFTModel {
  /// Fits the model of `formula` to `table`.
  /// - Parameters:
  ///   - table: the data.
  ///   - formula: `Surv(time, status) ~ terms + strata(...) + cluster(id)`, or
  ///     `Surv(left, right) ~ ...` with `options.interval`.
  ///   - options: distribution, weights, robust variance and the rest.
  public static func fit(table: DataTable, formula: Formula, options: AFTOptions = AFTOptions())
    throws -> AFTFit
  {
    let frame = try AFTFrame(table: table, formula: formula, options: options)
    return try fit(frame: frame, options: options)
  }

  /// Fits a model from arrays.
  ///
  /// - Parameters:
  ///   - observations: one per row, on the log-time scale.
  ///   - covariates: covariate columns (no intercept; one is added), `covariates[j][i]`.
  ///   - names: the covariates' names.
  ///   - strata: stratum of each row (one scale per stratum); nil for one scale.
  ///   - weights: positive case weights; nil for none.
  ///   - cluster: cluster of each row for the robust variance.
  ///   - options: distribution, robust variance, confidence level and iteration limits.
  public static func fit(
    observations: [AFTObservation], covariates: [[Double]], names: [String],
    weights: [Double]? = nil, strata: Grouping? = nil, cluster: [Int32]? = nil,
    options: AFTOptions = AFTOptions()
  ) throws -> AFTFit {
    let n = observations.count
    for column in covariates where column.count != n {
      throw SurvivalKitError.invalidArgument(
        name: "covariates", message: "need one value per observation (\(n))")
    }
    let frame = AFTFrame(
      observations: observations, columns: covariates, names: names, terms: names,
      weights: weights ?? [Double](repeating: 1, count: n), hasWeights: weights != nil,
      strata: strata ?? .single(rows: n), cluster: cluster, lineNumbers: Array(1...max(n, 1)),
      dropped: 0,
      formula: "Surv(time, status) ~ " + (names.isEmpty ? "1" : names.joined(separator: " + ")),
      references: [:])
    return try fit(frame: frame, options: options)
  }

  static func fit(frame: AFTFrame, options: AFTOptions) throws -> AFTFit {
    guard options.confLevel > 0 && options.confLevel < 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "confidence level", message: "\(options.confLevel) must be between 0 and 1")
    }
    if !options.distribution.hasScale && frame.strata.labels.count > 1 {
      throw SurvivalKitError.invalidArgument(
        name: "strata",
        message: "the exponential distribution has its scale fixed at 1, and strata() only "
          + "gives each stratum its own scale; drop strata() or use --dist weibull")
    }
    try frame.checkEstimable(options.distribution)
    let dist = options.distribution
    let full = AFTProblem(frame: frame, distribution: dist, interceptOnly: false)
    let null = AFTProblem(frame: frame, distribution: dist, interceptOnly: true)
    let start = null.startingValues()
    let nullFit = try null.maximise(from: start, options: options)
    var fullStart = [Double](repeating: 0, count: full.parameterCount)
    fullStart[0] = nullFit.theta[0]
    for s in 0..<full.scaleCount { fullStart[full.p + s] = nullFit.theta[null.p + s] }
    let fitted = full.p == 1 ? nullFit : try full.maximise(from: fullStart, options: options)
    return try AFTFit(
      problem: full, result: fitted, nullLoglik: nullFit.loglik, frame: frame, options: options)
  }
}

/// The rows a parametric model uses: observations on the log scale, covariates, weights,
/// strata and clusters.
struct AFTFrame: Sendable {
  let observations: [AFTObservation]
  let columns: [[Double]]
  let names: [String]
  let terms: [String]
  let weights: [Double]
  let hasWeights: Bool
  let strata: Grouping
  let cluster: [Int32]?
  let lineNumbers: [Int]
  let dropped: Int
  let formula: String
  let references: [String: String]

  init(
    observations: [AFTObservation], columns: [[Double]], names: [String], terms: [String],
    weights: [Double], hasWeights: Bool, strata: Grouping, cluster: [Int32]?,
    lineNumbers: [Int], dropped: Int, formula: String, references: [String: String]
  ) {
    self.observations = observations
    self.columns = columns
    self.names = names
    self.terms = terms
    self.weights = weights
    self.hasWeights = hasWeights
    self.strata = strata
    self.cluster = cluster
    self.lineNumbers = lineNumbers
    self.dropped = dropped
    self.formula = formula
    self.references = references
  }

  init(table: DataTable, formula: Formula, options: AFTOptions) throws {
    var extra: [String] = []
    if let w = options.weights { extra.append(w) }
    var observations: [AFTObservation] = []
    let sample: SurvivalSample
    if options.interval {
      // Surv(left, right): the status slot names the right column. Rows are chosen by the
      // covariates only (a missing bound means censored).
      guard case .column(let rightName) = formula.response.status, formula.response.start == nil
      else {
        throw SurvivalKitError.formulaSyntax(
          formula: formula.text, position: 0,
          message: "interval data are written Surv(left, right) with two time columns")
      }
      let leftName = formula.response.stop
      let left = try SurvivalSample.numbers(
        try table.column(named: leftName), table: table, role: "left time")
      let right = try SurvivalSample.numbers(
        try table.column(named: rightName), table: table, role: "right time")
      // A sample over the covariate rows: status 1 for every row with a bound.
      var both = [Double](repeating: 1, count: table.rowCount)
      for i in 0..<table.rowCount where left[i].isNaN && right[i].isNaN { both[i] = .nan }
      let helper = DataTable(
        columns: table.columns + [Column(name: "\u{1}t", values: .numeric(both))],
        lineNumbers: table.lineNumbers, encoding: table.encoding, delimiter: table.delimiter,
        decimalComma: table.decimalComma)
      let rowsFormula = Formula(
        text: formula.text,
        response: SurvResponse(start: nil, stop: "\u{1}t", status: .equalsNumber("\u{1}t", 1)),
        terms: formula.terms, strata: formula.strata, cluster: formula.cluster)
      sample = try SurvivalSample(
        regressionTable: helper, formula: rowsFormula, extraColumns: extra)
      for r in sample.rows {
        let l = left[r]
        let u = right[r]
        let line = table.lineNumbers[r]
        for (value, name) in [(l, leftName), (u, rightName)] where !value.isNaN {
          guard value > 0 && value.isFinite else {
            throw SurvivalKitError.invalidData(
              line: line, column: name,
              message: "time \(NumberFormatting.shortest(value)) is not positive; the model is "
                + "for log(time), so times must be > 0 (leave a bound empty for censoring)")
          }
        }
        if l.isNaN {
          observations.append(AFTObservation(kind: .left, lower: -.infinity, upper: Double.log(u)))
        } else if u.isNaN {
          observations.append(AFTObservation(kind: .right, lower: Double.log(l), upper: .infinity))
        } else if l == u {
          observations.append(
            AFTObservation(kind: .exact, lower: Double.log(l), upper: Double.log(l)))
        } else {
          guard l < u else {
            throw SurvivalKitError.invalidData(
              line: line, column: leftName,
              message: "left time \(NumberFormatting.shortest(l)) is after right time "
                + "\(NumberFormatting.shortest(u))")
          }
          observations.append(
            AFTObservation(kind: .interval, lower: Double.log(l), upper: Double.log(u)))
        }
      }
    } else {
      guard formula.response.start == nil else {
        throw SurvivalKitError.formulaSyntax(
          formula: formula.text, position: 0,
          message: "parametric models take Surv(time, status), not (start, stop] data; for "
            + "interval-censored times write Surv(left, right) with --interval")
      }
      sample = try SurvivalSample(
        regressionTable: table, formula: formula, extraColumns: extra, timefix: false)
      for k in 0..<sample.count {
        let t = sample.time[k]
        guard t > 0 else {
          throw SurvivalKitError.invalidData(
            line: sample.lineNumbers[k], column: formula.response.stop,
            message: "time \(NumberFormatting.shortest(t)) is not positive; the model is for "
              + "log(time), which is undefined at 0 (R's survreg stops too): drop the row or "
              + "correct the time")
        }
        let y = Double.log(t)
        observations.append(
          AFTObservation(kind: sample.status[k] == 1 ? .exact : .right, lower: y, upper: y))
      }
    }
    try sample.requireRows("model")
    let design =
      formula.terms.isEmpty
      ? nil
      : try DesignMatrix.make(
        table: table, formula: formula, sample: sample, references: options.references)
    var w = [Double](repeating: 1, count: sample.count)
    if let name = options.weights {
      let column = try table.column(named: name)
      guard case .numeric(let v) = column.values else {
        throw SurvivalKitError.invalidData(
          line: nil, column: name, message: "weights must be numbers")
      }
      for (k, r) in sample.rows.enumerated() {
        guard v[r] > 0 && v[r].isFinite else {
          throw SurvivalKitError.invalidData(
            line: table.lineNumbers[r], column: name,
            message: "weight \(NumberFormatting.shortest(v[r])) is not positive; case weights "
              + "must be > 0")
        }
        w[k] = v[r]
      }
    }
    var cluster: [Int32]? = nil
    if let name = formula.cluster {
      cluster = Grouping.make(columns: [try table.column(named: name)], rows: sample.rows).codes
    }
    self.init(
      observations: observations, columns: design?.columns ?? [], names: design?.names ?? [],
      terms: design?.terms ?? [], weights: w, hasWeights: options.weights != nil,
      strata: sample.strata, cluster: cluster, lineNumbers: Array(sample.lineNumbers),
      dropped: sample.dropped, formula: formula.text, references: design?.references ?? [:])
  }

  /// Stops with a clear message when the likelihood has no finite maximum.
  func checkEstimable(_ distribution: AFTDistribution) throws {
    guard !observations.isEmpty else {
      throw SurvivalKitError.insufficientData(message: "no usable rows")
    }
    let exact = observations.filter { $0.kind == .exact || $0.kind == .interval }.count
    let left = observations.filter { $0.kind == .left }.count
    let right = observations.filter { $0.kind == .right }.count
    guard exact > 0 || (left > 0 && right > 0) else {
      let side = left > 0 ? "left" : "right"
      throw SurvivalKitError.insufficientData(
        message: "every row is \(side)-censored: without an observed or interval-censored time "
          + "the parametric model has no finite fit")
    }
    if distribution.hasScale {
      for s in strata.labels.indices {
        var values = Set<Double>()
        for (i, o) in observations.enumerated() where strata.codes[i] == Int32(s) {
          values.insert(o.lower)
          if o.kind != .exact { values.insert(o.upper) }
        }
        values.remove(.infinity)
        values.remove(-.infinity)
        guard values.count > 1 else {
          let where_ = strata.labels.count > 1 ? " in stratum \(strata.labels[s])" : ""
          throw SurvivalKitError.insufficientData(
            message: "all times are equal\(where_): the scale cannot be estimated (its "
              + "maximum-likelihood value is 0); use --dist exponential or more varied data")
        }
      }
    }
  }
}

/// The likelihood of one model (full or intercept-only) and its maximisation.
struct AFTProblem: Sendable {
  let frame: AFTFrame
  let distribution: AFTDistribution
  /// Columns including the intercept (first).
  let p: Int
  let scaleCount: Int
  /// Row-major design with the intercept: x[i * p + j].
  let x: [Double]

  var parameterCount: Int { p + scaleCount }

  init(frame: AFTFrame, distribution: AFTDistribution, interceptOnly: Bool) {
    self.frame = frame
    self.distribution = distribution
    let n = frame.observations.count
    let columns = interceptOnly ? [] : frame.columns
    p = 1 + columns.count
    scaleCount = distribution.hasScale ? frame.strata.labels.count : 0
    var x = [Double](repeating: 0, count: n * p)
    for i in 0..<n {
      x[i * p] = 1
      for (j, c) in columns.enumerated() { x[i * p + j + 1] = c[i] }
    }
    self.x = x
  }

  struct Evaluation {
    var loglik: Double
    var score: [Double]
    /// Negative Hessian (information), column-major.
    var information: Matrix
  }

  struct Result {
    let theta: [Double]
    let loglik: Double
    let information: Matrix
    let iterations: Int
    let converged: Bool
  }

  /// Derivatives of one row's log-likelihood in (η, τ).
  @inline(__always)
  func rowTerms(_ o: AFTObservation, eta: Double, tau: Double) -> (
    l: Double, e: Double, t: Double, ee: Double, et: Double, tt: Double
  ) {
    let sigma = Double.exp(tau)
    if o.kind == .interval {
      let zl = (o.lower - eta) / sigma
      let zu = (o.upper - eta) / sigma
      let fl = distribution.functions(zl)
      let fu = distribution.functions(zu)
      let prob = zl > 0 ? fl.surv - fu.surv : fu.cdf - fl.cdf
      let pe = -(fu.density - fl.density) / sigma
      let pt = -(zu * fu.density - zl * fl.density)
      let pee = (fu.slope - fl.slope) / (sigma * sigma)
      let pet = (fu.density - fl.density + zu * fu.slope - zl * fl.slope) / sigma
      let ptt =
        zu * fu.density + zu * zu * fu.slope - zl * fl.density - zl * zl * fl.slope
      let e = pe / prob
      let t = pt / prob
      return (Double.log(prob), e, t, pee / prob - e * e, pet / prob - e * t, ptt / prob - t * t)
    }
    let y = o.kind == .left ? o.upper : o.lower
    let z = (y - eta) / sigma
    let (g, d1, d2) = distribution.logTerm(z, kind: o.kind)
    let exact = o.kind == .exact ? 1.0 : 0.0
    return (
      g - exact * tau, -d1 / sigma, -z * d1 - exact, d2 / (sigma * sigma), (z * d2 + d1) / sigma,
      z * d1 + z * z * d2
    )
  }

  func evaluate(_ theta: [Double]) -> Evaluation {
    let k = parameterCount
    var loglik = 0.0
    var score = [Double](repeating: 0, count: k)
    var info = Matrix(zeros: k)
    let n = frame.observations.count
    for i in 0..<n {
      let w = frame.weights[i]
      var eta = 0.0
      for j in 0..<p { eta += x[i * p + j] * theta[j] }
      let s = scaleCount > 0 ? p + Int(frame.strata.codes[i]) : -1
      let tau = s >= 0 ? theta[s] : 0
      let r = rowTerms(frame.observations[i], eta: eta, tau: tau)
      loglik += w * r.l
      for j in 0..<p {
        let xj = x[i * p + j]
        score[j] += w * r.e * xj
        for l in 0...j { info.storage[j + l * k] -= w * r.ee * xj * x[i * p + l] }
      }
      if s >= 0 {
        score[s] += w * r.t
        for j in 0..<p { info.storage[s + j * k] -= w * r.et * x[i * p + j] }
        info.storage[s + s * k] -= w * r.tt
      }
    }
    for j in 0..<k {
      for l in (j + 1)..<k where l < k { info.storage[j + l * k] = info.storage[l + j * k] }
    }
    return Evaluation(loglik: loglik, score: score, information: info)
  }

  /// Per-row scores (unweighted) at `theta`: row i's is scores[i * k ..< (i + 1) * k].
  func rowScores(_ theta: [Double]) -> [Double] {
    let k = parameterCount
    let n = frame.observations.count
    var out = [Double](repeating: 0, count: n * k)
    for i in 0..<n {
      var eta = 0.0
      for j in 0..<p { eta += x[i * p + j] * theta[j] }
      let s = scaleCount > 0 ? p + Int(frame.strata.codes[i]) : -1
      let r = rowTerms(frame.observations[i], eta: eta, tau: s >= 0 ? theta[s] : 0)
      for j in 0..<p { out[i * k + j] = r.e * x[i * p + j] }
      if s >= 0 { out[i * k + s] = r.t }
    }
    return out
  }

  /// Start: intercept at the weighted mean of the log times, log σ at half the log of their
  /// variance (0 when the variance is 0), other coefficients 0.
  func startingValues() -> [Double] {
    var sw = 0.0
    var sy = 0.0
    var syy = 0.0
    for (i, o) in frame.observations.enumerated() {
      let y =
        o.kind == .interval ? (o.lower + o.upper) / 2 : (o.kind == .left ? o.upper : o.lower)
      let w = frame.weights[i]
      sw += w
      sy += w * y
      syy += w * y * y
    }
    let mean = sy / sw
    let variance = Swift.max(syy / sw - mean * mean, 0)
    var theta = [Double](repeating: 0, count: parameterCount)
    theta[0] = mean
    let tau = variance > 0 ? 0.5 * Double.log(variance) : 0
    for s in 0..<scaleCount { theta[p + s] = tau }
    return theta
  }

  /// Newton–Raphson with step halving.
  func maximise(from start: [Double], options: AFTOptions) throws -> Result {
    var theta = start
    var current = evaluate(theta)
    guard current.loglik.isFinite else {
      throw SurvivalKitError.insufficientData(
        message: "the \(distribution.rawValue) likelihood is not finite at the start values")
    }
    var iterations = 0
    var converged = false
    let k = parameterCount
    while iterations < options.maxIterations {
      iterations += 1
      var step = try direction(current)
      var trial = zip(theta, step).map { $0 + $1 }
      var next = evaluate(trial)
      var halvings = 0
      while !(next.loglik.isFinite && next.loglik >= current.loglik - 1e-12 * abs(current.loglik))
        && halvings < 40
      {
        for j in 0..<k { step[j] /= 2 }
        trial = zip(theta, step).map { $0 + $1 }
        next = evaluate(trial)
        halvings += 1
      }
      guard next.loglik.isFinite else { break }
      let change = abs(1 - current.loglik / next.loglik)
      theta = trial
      current = next
      if change <= options.epsilon {
        converged = true
        break
      }
    }
    // Polish: one further full Newton step (quadratic convergence) when it does not lower the
    // likelihood, so the estimates sit at the maximum to machine precision.
    if converged, let step = try? direction(current) {
      let trial = zip(theta, step).map { $0 + $1 }
      let next = evaluate(trial)
      if next.loglik.isFinite && next.loglik >= current.loglik {
        theta = trial
        current = next
      }
    }
    return Result(
      theta: theta, loglik: current.loglik, information: current.information,
      iterations: iterations, converged: converged)
  }

  /// The Newton step I⁻¹ U; where I is not positive definite, a ridge is added (a damped
  /// step towards the gradient) until it is.
  func direction(_ e: Evaluation) throws -> [Double] {
    if let step = try? LAPACK.solve(e.information, e.score) { return step }
    var ridge = 1e-6
    let k = parameterCount
    var scale = 0.0
    for j in 0..<k { scale = Swift.max(scale, abs(e.information[j, j])) }
    if scale == 0 { scale = 1 }
    while ridge < 1e12 {
      var m = e.information
      for j in 0..<k { m[j, j] += ridge * scale }
      if let step = try? LAPACK.solve(m, e.score) { return step }
      ridge *= 10
    }
    throw SurvivalKitError.linearAlgebra(
      operation: "Newton–Raphson", message: "the information matrix cannot be inverted")
  }
}
