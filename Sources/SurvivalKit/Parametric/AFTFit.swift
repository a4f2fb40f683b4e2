import RealModule

/// A fitted parametric survival model (R's `survreg` object): coefficients on the log-time
/// scale, the scale per stratum, likelihoods and tests, and predictions.
public struct AFTFit: Sendable {
  /// One regression coefficient (the intercept first).
  public struct Coefficient: Sendable, Equatable {
    /// Column name, R style (`(Intercept)`, `age`, `sexf`).
    public let term: String
    /// The estimate.
    public let coef: Double
    /// Model-based standard error.
    public let standardError: Double
    /// Sandwich standard error, when requested (robust or `cluster()`).
    public let robustStandardError: Double?
    /// coef / SE (the robust SE when one was requested).
    public let z: Double
    /// Two-sided p-value (chi-square upper tail for tests).
    public let p: Double
    /// Confidence limits of the coefficient.
    public let lower: Double
    /// Upper confidence limit.
    public let upper: Double
  }

  /// The scale of one stratum.
  public struct Scale: Sendable, Equatable {
    /// Stratum label (`all` without strata).
    public let stratum: String
    /// σ.
    public let scale: Double
    /// log σ, R's `Log(scale)`.
    public let logScale: Double
    /// Standard error of log σ (robust when requested).
    public let standardError: Double
    /// z and p for log σ = 0, as R prints them.
    public let z: Double
    /// Two-sided p-value (chi-square upper tail for tests).
    public let p: Double
  }

  /// A Weibull coefficient on the proportional-hazards scale: β_PH = -β/σ, HR = exp(β_PH);
  /// SE by the delta method from the joint variance of (β, log σ).
  public struct HazardRatio: Sendable, Equatable {
    /// Column name, R style.
    public let term: String
    /// The estimate.
    public let coef: Double
    /// exp(coef).
    public let hazardRatio: Double
    /// Standard error.
    public let standardError: Double
    /// Lower confidence limit.
    public let lower: Double
    /// Upper confidence limit.
    public let upper: Double
  }

  /// The distribution fitted.
  public let distribution: AFTDistribution
  /// One entry per column, in design order.
  public let coefficients: [Coefficient]
  /// One entry per stratum (empty for the exponential, whose scale is fixed at 1).
  public let scales: [Scale]
  /// Variance of (β, log σ_1, …), robust when requested.
  public let variance: [[Double]]
  /// The model-based variance when a robust one is reported.
  public let naiveVariance: [[Double]]?
  /// Log-likelihood of the intercept-only model (same scales).
  public let loglikNull: Double
  /// Log-likelihood of the fit.
  public let loglik: Double
  /// 2 (loglik - loglikNull), with `df` = number of non-intercept coefficients.
  public let chisq: Double
  /// Degrees of freedom.
  public let df: Int
  /// Two-sided p-value (chi-square upper tail for tests).
  public let p: Double?
  /// -2 loglik + 2 × (coefficients + scales).
  public let aic: Double
  /// Newton–Raphson iterations used.
  public let iterations: Int
  /// Whether the convergence criterion was met.
  public let converged: Bool
  /// Rows used.
  public let n: Int
  /// Rows with an observed event (exact times), plus left- and interval-censored rows.
  public let events: Int
  /// Rows dropped for missing values.
  public let dropped: Int
  /// Whether the robust (sandwich) variance is reported.
  public let robust: Bool
  /// Confidence level of the limits.
  public let confLevel: Double
  /// The formula as written.
  public let formula: String
  /// Reference level of each factor.
  public let references: [String: String]
  /// Weibull (and exponential) coefficients on the proportional-hazards scale, for a model
  /// with one scale; empty otherwise.
  public let hazardRatios: [HazardRatio]
  /// The estimates (β, log σ).
  let theta: [Double]
  let strataLabels: [String]
  /// The term of each non-intercept column.
  let columnTerms: [String]

  init(
    problem: AFTProblem, result: AFTProblem.Result, nullLoglik: Double, frame: AFTFrame,
    options: AFTOptions
  ) throws {
    let k = problem.parameterCount
    let inverse: Matrix
    do {
      inverse = try LAPACK.inverse(result.information)
    } catch {
      throw SurvivalKitError.linearAlgebra(
        operation: "variance",
        message: "the information matrix is singular: a covariate is constant or duplicates "
          + "another; drop it")
    }
    let robust = options.robust ?? (frame.cluster != nil)
    var v = inverse
    var naive: [[Double]]? = nil
    if robust {
      let scores = problem.rowScores(result.theta)
      let n = frame.observations.count
      let cluster = frame.cluster ?? (0..<n).map { Int32($0) }
      let groups = Int(cluster.max() ?? 0) + 1
      var sums = [Double](repeating: 0, count: groups * k)
      for i in 0..<n {
        let g = Int(cluster[i])
        for j in 0..<k { sums[g * k + j] += scores[i * k + j] }
      }
      // D = per-cluster summed dfbeta rows (U_c V); robust variance D'D = V (Σ U_c U_c') V.
      // As R's survreg (residuals(type = "dfbeta"), weighted = FALSE): the rows' scores are
      // not multiplied by the case weights, which enter through V only. Checked against R
      // with non-integer weights (fixture mgus2_loglogistic_weights_robust).
      var meat = Matrix(zeros: k)
      for g in 0..<groups {
        for a in 0..<k {
          for b in 0..<k { meat[a, b] += sums[g * k + a] * sums[g * k + b] }
        }
      }
      var out = Matrix(zeros: k)
      for a in 0..<k {
        for b in 0..<k {
          var x = 0.0
          for c in 0..<k {
            var y = 0.0
            for d in 0..<k { y += meat[c, d] * inverse[d, b] }
            x += inverse[a, c] * y
          }
          out[a, b] = x
        }
      }
      naive = (0..<k).map { a in (0..<k).map { inverse[a, $0] } }
      v = out
    }
    let z = Normal.quantile(1 - (1 - options.confLevel) / 2)
    let names = ["(Intercept)"] + frame.names
    var coefficients: [Coefficient] = []
    for j in 0..<problem.p {
      let coef = result.theta[j]
      let naiveSE = inverse[j, j].squareRoot()
      let se = v[j, j].squareRoot()
      let zz = coef / se
      coefficients.append(
        Coefficient(
          term: names[j], coef: coef, standardError: naiveSE,
          robustStandardError: robust ? se : nil, z: zz, p: 2 * Normal.upperTail(abs(zz)),
          lower: coef - z * se, upper: coef + z * se))
    }
    var scales: [Scale] = []
    for s in 0..<problem.scaleCount {
      let t = result.theta[problem.p + s]
      let se = v[problem.p + s, problem.p + s].squareRoot()
      scales.append(
        Scale(
          stratum: frame.strata.labels[s], scale: Double.exp(t), logScale: t, standardError: se,
          z: t / se, p: 2 * Normal.upperTail(abs(t / se))))
    }
    // The Jacobian of T = exp(Y): -Σ w log t over exact times.
    var jacobian = 0.0
    for (i, o) in frame.observations.enumerated() where o.kind == .exact {
      jacobian -= frame.weights[i] * o.lower
    }
    var hazardRatios: [HazardRatio] = []
    if problem.distribution == .weibull || problem.distribution == .exponential,
      problem.scaleCount <= 1
    {
      let sigma = problem.scaleCount == 1 ? Double.exp(result.theta[problem.p]) : 1
      for j in 1..<problem.p {
        let beta = result.theta[j]
        let ph = -beta / sigma
        // Gradient of -β e^{-τ}: (-1/σ) in β, β/σ in τ.
        var variance = v[j, j] / (sigma * sigma)
        if problem.scaleCount == 1 {
          let s = problem.p
          variance +=
            -2 * (beta / (sigma * sigma)) * v[j, s] + beta * beta / (sigma * sigma) * v[s, s]
        }
        let se = variance.squareRoot()
        hazardRatios.append(
          HazardRatio(
            term: names[j], coef: ph, hazardRatio: Double.exp(ph), standardError: se,
            lower: Double.exp(ph - z * se), upper: Double.exp(ph + z * se)))
      }
    }
    self.distribution = problem.distribution
    self.coefficients = coefficients
    self.scales = scales
    self.variance = (0..<k).map { a in (0..<k).map { v[a, $0] } }
    self.naiveVariance = naive
    self.loglikNull = nullLoglik + jacobian
    self.loglik = result.loglik + jacobian
    self.chisq = 2 * (result.loglik - nullLoglik)
    self.df = problem.p - 1
    self.p = df > 0 ? ChiSquare.upperTail(chisq, df: Double(df)) : nil
    self.aic = -2 * self.loglik + 2 * Double(k)
    self.iterations = result.iterations
    self.converged = result.converged
    self.n = frame.observations.count
    self.events = frame.observations.filter { $0.kind != .right }.count
    self.dropped = frame.dropped
    self.robust = robust
    self.confLevel = options.confLevel
    self.formula = frame.formula
    self.references = frame.references
    self.hazardRatios = hazardRatios
    self.theta = result.theta
    self.strataLabels = frame.strata.labels
    self.columnTerms = frame.terms
  }

  /// A predicted quantile of the event time for one covariate profile.
  public struct Quantile: Sendable, Equatable {
    /// The probability p of the quantile.
    public let probability: Double
    /// The predicted time.
    public let time: Double
    /// Delta-method standard error on the time scale (R's `predict(type = "quantile",
    /// se.fit = TRUE)`).
    public let standardError: Double
    /// Limits from the log scale: exp(log t ± z SE(log t)).
    public let lower: Double
    /// Upper confidence limit.
    public let upper: Double
  }

  /// Quantiles t_p = exp(x'β + σ z_p) (z_p the standard quantile) for a covariate profile
  /// `x` (one value per non-intercept column, in `coefficients` order) in stratum `stratum`.
  /// The median survival time is p = 0.5. SE from the variance of (β, log σ):
  /// Var(log t_p) = g' V g with g = (x, σ z_p); SE(t_p) = t_p SE(log t_p).
  public func quantiles(profile x: [Double], stratum: Int = 0, probabilities: [Double]) throws
    -> [Quantile]
  {
    let p = coefficients.count
    guard x.count == p - 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "profile", message: "needs \(p - 1) covariate values, one per coefficient")
    }
    guard stratum >= 0 && stratum < max(scales.count, 1) else {
      throw SurvivalKitError.invalidArgument(name: "stratum", message: "no stratum \(stratum)")
    }
    let z = Normal.quantile(1 - (1 - confLevel) / 2)
    return try probabilities.map { prob in
      guard prob > 0 && prob < 1 else {
        throw SurvivalKitError.invalidArgument(
          name: "probability", message: "\(prob) must be strictly between 0 and 1")
      }
      let q = distribution.standardQuantile(prob)
      let sigma = scales.isEmpty ? 1 : scales[stratum].scale
      var g = [Double](repeating: 0, count: theta.count)
      g[0] = 1
      for j in 1..<p { g[j] = x[j - 1] }
      if !scales.isEmpty { g[p + stratum] = sigma * q }
      var lp = 0.0
      for j in 0..<p { lp += g[j] * theta[j] }
      lp += sigma * q
      var v = 0.0
      for a in g.indices {
        for b in g.indices { v += g[a] * variance[a][b] * g[b] }
      }
      let se = v.squareRoot()
      let t = Double.exp(lp)
      return Quantile(
        probability: prob, time: t, standardError: t * se, lower: Double.exp(lp - z * se),
        upper: Double.exp(lp + z * se))
    }
  }

  /// Predicted survival S(t | x) = S_ε((log t - x'β)/σ) at each time (0 gives 1).
  public func survival(profile x: [Double], stratum: Int = 0, at times: [Double]) throws
    -> [Double]
  {
    let p = coefficients.count
    guard x.count == p - 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "profile", message: "needs \(p - 1) covariate values, one per coefficient")
    }
    var lp = theta[0]
    for j in 1..<p { lp += x[j - 1] * theta[j] }
    let sigma = scales.isEmpty ? 1 : scales[stratum].scale
    return times.map { t in
      t <= 0 ? 1 : distribution.standardSurvival((Double.log(t) - lp) / sigma)
    }
  }

  /// The design row and stratum of a covariate profile given as variable = value pairs
  /// (`age=60`, `sex=2`, `celltype=large`): numeric variables take the number, factors
  /// the level, `log(x)` terms the log of x's value, interactions the product of their parts;
  /// with `strata()`, the profile names the stratum's variables too.
  /// - Throws: when a variable the model needs is missing or a level is unknown.
  public func profile(_ values: [String: String]) throws -> (x: [Double], stratum: Int) {
    let x = try DesignProfile.row(
      values, names: coefficients.dropFirst().map(\.term), terms: columnTerms,
      references: references)
    var stratum = 0
    if strataLabels.count > 1 {
      guard
        let s = strataLabels.firstIndex(where: { label in
          label.split(separator: ",").allSatisfy { part in
            let pair = String(part).trimmingCharacters(inSetOf: " ").split(
              separator: "=", maxSplits: 1)
            return pair.count == 2 && values[String(pair[0])] == String(pair[1])
          }
        })
      else {
        throw SurvivalKitError.invalidArgument(
          name: "profile",
          message: "name the stratum's variables; strata are "
            + strataLabels.joined(separator: "; "))
      }
      stratum = s
    }
    return (x, stratum)
  }
}
