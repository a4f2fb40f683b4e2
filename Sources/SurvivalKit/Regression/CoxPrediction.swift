import RealModule
import SurvivalSupport

/// A covariate profile: values of the model's variables as written (`age=60,sex=1`).
public struct CoxProfile: Sendable, Equatable {
  /// Variable names, in the order given.
  public let names: [String]
  /// Their values as written (a number, or a factor level).
  public let values: [String]

  /// A profile from `name=value` pairs.
  public init(_ pairs: [(String, String)]) {
    names = pairs.map(\.0)
    values = pairs.map(\.1)
  }

  /// Parses `var=value,var=value` (spaces around names and values are ignored).
  /// - Throws: `SurvivalKitError.invalidArgument` for an item without `=` or a repeated name.
  public init(parsing text: String) throws {
    var pairs: [(String, String)] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let parts = item.split(separator: "=", maxSplits: 1).map {
        String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
      }
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw SurvivalKitError.invalidArgument(
          name: "profile",
          message: "'\(item)' in '\(text)' is not var=value; write e.g. \"age=60,sex=1\"")
      }
      if pairs.contains(where: { $0.0 == parts[0] }) {
        throw SurvivalKitError.invalidArgument(
          name: "profile", message: "'\(parts[0])' is given twice in '\(text)'")
      }
      pairs.append((parts[0], parts[1]))
    }
    self.init(pairs)
  }

  var dictionary: [String: String] { Dictionary(uniqueKeysWithValues: zip(names, values)) }

  /// `age=60, sex=1`.
  public var text: String { zip(names, values).map { "\($0)=\($1)" }.joined(separator: ", ") }
}

/// Predicted survival curves of a Cox fit for covariate profiles, as R's
/// `survfit(coxfit, newdata = profile)`.
///
/// At each distinct time t of a stratum, with the baseline hazard increment h(t) and its
/// variance term v(t) from the fit's tie method (Breslow: h = δw / S0, v = δw / S0²; Efron,
/// m tied events: h = Σ_k (δw/m) / S0_k, v = Σ_k (δw/m) / S0_k², S0_k = S0 - (k/m) E0; exact
/// ties use Breslow, as R), the profile x with relative risk r = e^{β(x - x̄)} has
///
///   Λ(t | x) = r Σ_{s≤t} h(s),   S(t | x) = e^{-Λ(t | x)},
///   Var Λ(t | x) = r² [Σ_{s≤t} v(s) + d(t)ᵀ V d(t)],   d(t) = Σ_{s≤t} h(s) (x - x̄_h(s)),
///
/// x̄_h the risk-set mean (Efron: Σ_k h_k x̄_k / h) and V the variance of β̂ (the robust one
/// when the fit reports it), so the SE includes the coefficients' uncertainty (Tsiatis 1981;
/// Therneau & Grambsch 2000, §10.2). SE(S) = S √Var Λ; limits by `ConfidenceTransform` on
/// the cumulative hazard's SE. A profile that gives the strata variables gets its stratum's
/// curve; one that does not gets one curve per stratum.
public struct CoxPrediction: Sendable {
  /// One predicted curve.
  public struct Curve: Sendable {
    /// The covariate values as given.
    public let profile: CoxProfile
    /// The stratum (`celltype=adeno`), nil for an unstratified model.
    public let stratum: String?
    /// β̂ (x - c), c R's centring vector `fit$means` (R's
    /// `predict(fit, newdata, type = "lp", reference = "sample")`).
    public let linearPredictor: Double
    /// Every distinct time of the stratum.
    public let time: [Double]
    /// Weighted number at risk and of events at each time.
    public let nRisk: [Double]
    /// Weighted number of events at each time.
    public let nEvent: [Double]
    /// S(t | x) = e^{-Λ(t | x)}.
    public let survival: [Double]
    /// Standard error of S(t | x).
    public let standardError: [Double]
    /// Standard error of Λ(t | x).
    public let cumulativeHazardError: [Double]
    /// Pointwise confidence limits (nil where the transform is undefined).
    public let lower: [Double?]
    /// Upper confidence limit.
    public let upper: [Double?]
    /// Λ(t | x).
    public let cumulativeHazard: [Double]
    /// The curve read at the requested times (empty without `times`).
    public let at: [Point]
  }

  /// The curve at a requested time, as R's `summary(fit, times, extend = TRUE)`: values of the
  /// last curve time <= t (S = 1, SE 0 and limits 1 before the first), the number at risk at
  /// the first time >= t (0 past the last).
  public struct Point: Sendable, Equatable {
    /// The requested time.
    public let time: Double
    /// Weighted number at risk at the first curve time >= t.
    public let nRisk: Double
    /// S at the last curve time <= t.
    public let survival: Double
    /// Standard error of S.
    public let standardError: Double
    /// Confidence limits of S.
    public let lower: Double?
    /// Upper confidence limit.
    public let upper: Double?
    /// Λ at the last curve time <= t.
    public let cumulativeHazard: Double
  }

  /// One curve per profile (and stratum), in the order given.
  public let curves: [Curve]
  /// The confidence transform of the limits.
  public let confType: ConfidenceTransform
  /// The confidence level (the fit's).
  public let confLevel: Double
  /// The tie method of the hazard estimator (the fit's).
  public let ties: CoxTies
}

/// The baseline cumulative hazard, as R's `basehaz(fit, centered)`.
public struct CoxBaselineHazard: Sendable {
  /// Distinct times, per stratum in stratum order.
  public let time: [Double]
  /// Cumulative baseline hazard at each time.
  public let hazard: [Double]
  /// Stratum of each row (nil for an unstratified model).
  public let strata: [String]?
  /// Whether the hazard is at the fit's covariate means (R's default) or at x = 0.
  public let centered: Bool
}

extension CoxProblem {
  /// Per distinct time of one stratum (ascending): counts and the hazard pieces.
  struct CurveTerms {
    var time: [Double] = []
    var nRisk: [Double] = []
    var nEvent: [Double] = []
    var hazard: [Double] = []
    var varHazard: [Double] = []
    /// Σ_k h_k x̄_k (scaled coordinates), row-major per time.
    var weightedMean: [Double] = []
  }

  /// One backward pass per stratum over every distinct stop time.
  /// - Complexity: O(n p) after the sort.
  func curveTerms(beta: [Double], ties: CoxTies) -> [CurveTerms] {
    let efron = ties == .efron
    var risk = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var e = 0.0
      for j in 0..<p { e += beta[j] * x[i * p + j] }
      risk[i] = weight[i] * Double.exp(e)
    }
    var result: [CurveTerms] = []
    var s1 = [Double](repeating: 0, count: p)
    var e1 = [Double](repeating: 0, count: p)
    var mean = [Double](repeating: 0, count: p)
    for s in 0..<(strataBounds.count - 1) {
      let lo = strataBounds[s]
      let hi = strataBounds[s + 1]
      var terms = CurveTerms()
      var s0 = 0.0
      var atRisk = 0.0
      for j in 0..<p { s1[j] = 0 }
      var i = lo
      var q = lo
      while i < hi {
        let t = stop[i]
        var e0 = 0.0
        var deaths = 0
        var deathWeight = 0.0
        for j in 0..<p { e1[j] = 0 }
        while i < hi && stop[i] == t {
          s0 += risk[i]
          atRisk += weight[i]
          for j in 0..<p { s1[j] += risk[i] * x[i * p + j] }
          if status[i] == 1 {
            deaths += 1
            deathWeight += weight[i]
            e0 += risk[i]
            for j in 0..<p { e1[j] += risk[i] * x[i * p + j] }
          }
          i += 1
        }
        if let start {
          while q < hi && start[startOrder[q]] >= t {
            let k = startOrder[q]
            s0 -= risk[k]
            atRisk -= weight[k]
            for j in 0..<p { s1[j] -= risk[k] * x[k * p + j] }
            q += 1
          }
        }
        var hazard = 0.0
        var variance = 0.0
        for j in 0..<p { mean[j] = 0 }
        if deaths > 0 {
          let parts = efron ? deaths : 1
          for k in 0..<parts {
            let f = efron ? Double(k) / Double(deaths) : 0
            let d0 = s0 - f * e0
            let w = deathWeight / Double(parts)
            hazard += w / d0
            variance += w / (d0 * d0)
            for j in 0..<p { mean[j] += w * (s1[j] - f * e1[j]) / (d0 * d0) }
          }
        }
        terms.time.append(t)
        terms.nRisk.append(atRisk)
        terms.nEvent.append(deathWeight)
        terms.hazard.append(hazard)
        terms.varHazard.append(variance)
        terms.weightedMean += mean
      }
      // Ascending time.
      let m = terms.time.count
      var ascending = CurveTerms()
      ascending.time = terms.time.reversed()
      ascending.nRisk = terms.nRisk.reversed()
      ascending.nEvent = terms.nEvent.reversed()
      ascending.hazard = terms.hazard.reversed()
      ascending.varHazard = terms.varHazard.reversed()
      ascending.weightedMean.reserveCapacity(m * p)
      for k in stride(from: m - 1, through: 0, by: -1) {
        ascending.weightedMean += terms.weightedMean[(k * p)..<((k + 1) * p)]
      }
      result.append(ascending)
    }
    return result
  }
}

extension CoxFit {
  /// Predicted survival for covariate profiles, as R's
  /// `survfit(fit, newdata = profiles, conf.type = confType)` (see `CoxPrediction`).
  ///
  /// ```swift
  /// let curves = try fit.predictSurvival(
  ///   profiles: [CoxProfile(parsing: "age=60,sex=1")], times: [365])
  /// ```
  /// - Throws: `SurvivalKitError.invalidArgument` for a profile naming an unknown variable,
  ///   missing a covariate, with a value that is not a number, or with a factor level or
  ///   stratum the fit did not see.
  /// - Complexity: O(n p) for the risk-set pass, then O(T p²) per profile and stratum for T
  ///   distinct times.
  public func predictSurvival(
    profiles: [CoxProfile], times: [Double] = [], confType: ConfidenceTransform = .log
  ) throws -> CoxPrediction {
    guard let state else {
      throw SurvivalKitError.insufficientData(message: "this fit carries no data to predict from")
    }
    for t in times where !t.isFinite {
      throw SurvivalKitError.invalidArgument(name: "times", message: "\(t) is not a finite time")
    }
    let problem = state.problem
    let p = problem.p
    let scales = problem.scales
    let terms = problem.curveTerms(beta: state.betaScaled, ties: state.ties)
    let strataVariables = Self.strataVariables(state.strataLabels)
    let z = Normal.quantile(1 - (1 - confLevel) / 2)
    var curves: [CoxPrediction.Curve] = []
    // Variance in scaled coordinates: V_s = S⁻¹ V S⁻¹.
    var vs = [Double](repeating: 0, count: p * p)
    for a in 0..<p {
      for b in 0..<p { vs[a * p + b] = state.variance[a, b] / (scales[a] * scales[b]) }
    }
    for profile in profiles {
      let values = profile.dictionary
      let full = try state.design.row(profile: values, ignoring: Set(strataVariables))
      var centred = [Double](repeating: 0, count: p)
      var eta = 0.0
      var linearPredictor = 0.0
      for (k, j) in state.kept.enumerated() {
        centred[k] = (full[j] - problem.means[k]) * scales[k]
        eta += state.betaScaled[k] * centred[k]
        linearPredictor += state.betaScaled[k] * scales[k] * (full[j] - state.centre[k])
      }
      let relativeRisk = Double.exp(eta)
      // Which strata: the profile's, or all.
      var strata = Array(0..<state.strataLabels.count)
      if !strataVariables.isEmpty {
        let given = strataVariables.filter { values[$0] != nil }
        if !given.isEmpty {
          guard given.count == strataVariables.count else {
            throw SurvivalKitError.invalidArgument(
              name: "profile",
              message: "gives \(given.joined(separator: ", ")) but not every strata variable ("
                + strataVariables.joined(separator: ", ") + "); give all or none")
          }
          let label = strataVariables.map { name in
            "\(name)=\(Self.normalisedLevel(values[name]!))"
          }.joined(separator: ", ")
          guard let index = state.strataLabels.firstIndex(of: label) else {
            throw SurvivalKitError.invalidArgument(
              name: "profile",
              message: "'\(label)' is not a stratum of the fit; its strata are "
                + state.strataLabels.map { "'\($0)'" }.joined(separator: ", "))
          }
          strata = [index]
        }
      }
      for s in strata {
        let curve = terms[s]
        let m = curve.time.count
        var cumhaz = [Double](repeating: 0, count: m)
        var survival = [Double](repeating: 0, count: m)
        var seS = [Double](repeating: 0, count: m)
        var seH = [Double](repeating: 0, count: m)
        var lower = [Double?](repeating: nil, count: m)
        var upper = [Double?](repeating: nil, count: m)
        var baseline = 0.0
        var varBaseline = 0.0
        var xbar = [Double](repeating: 0, count: p)
        var d = [Double](repeating: 0, count: p)
        for k in 0..<m {
          baseline += curve.hazard[k]
          varBaseline += curve.varHazard[k]
          for j in 0..<p { xbar[j] += curve.weightedMean[k * p + j] }
          for j in 0..<p { d[j] = baseline * centred[j] - xbar[j] }
          var quadratic = 0.0
          for a in 0..<p {
            var row = 0.0
            for b in 0..<p { row += vs[a * p + b] * d[b] }
            quadratic += d[a] * row
          }
          let h = baseline * relativeRisk
          let sigma = ((varBaseline + quadratic) * relativeRisk * relativeRisk).squareRoot()
          let sv = Double.exp(-h)
          cumhaz[k] = h
          survival[k] = sv
          seH[k] = sigma
          seS[k] = sigma * sv
          (lower[k], upper[k]) = confType.limits(survival: sv, sigma: sigma, z: z)
        }
        let points = times.map { t -> CoxPrediction.Point in
          var last = -1
          var firstAtOrAfter = m
          var a = 0
          var b = m
          while a < b {
            let mid = (a + b) / 2
            if curve.time[mid] <= t { a = mid + 1 } else { b = mid }
          }
          last = a - 1
          a = 0
          b = m
          while a < b {
            let mid = (a + b) / 2
            if curve.time[mid] < t { a = mid + 1 } else { b = mid }
          }
          firstAtOrAfter = a
          let risk = firstAtOrAfter < m ? curve.nRisk[firstAtOrAfter] : 0
          if last < 0 {
            return CoxPrediction.Point(
              time: t, nRisk: risk, survival: 1, standardError: 0, lower: 1, upper: 1,
              cumulativeHazard: 0)
          }
          return CoxPrediction.Point(
            time: t, nRisk: risk, survival: survival[last], standardError: seS[last],
            lower: lower[last], upper: upper[last], cumulativeHazard: cumhaz[last])
        }
        curves.append(
          CoxPrediction.Curve(
            profile: profile,
            stratum: strataVariables.isEmpty ? nil : state.strataLabels[s],
            linearPredictor: linearPredictor, time: curve.time, nRisk: curve.nRisk,
            nEvent: curve.nEvent,
            survival: survival, standardError: seS, cumulativeHazardError: seH, lower: lower,
            upper: upper, cumulativeHazard: cumhaz, at: points))
      }
    }
    return CoxPrediction(curves: curves, confType: confType, confLevel: confLevel, ties: ties)
  }

  /// The baseline cumulative hazard at each distinct time of each stratum, as R's
  /// `basehaz(fit, centered)`: at R's centring vector `fit$means` (centred, the default: the
  /// mean of each column, except 0 for a column whose values are all -1, 0 or 1, such as a
  /// factor's indicator columns), or at x = 0 (the centred hazard times e^{-β̂ x̄}).
  public func baselineHazard(centered: Bool = true) throws -> CoxBaselineHazard {
    guard let state else {
      throw SurvivalKitError.insufficientData(message: "this fit carries no data")
    }
    let problem = state.problem
    // The pass gives the hazard at the problem's means; move it to R's centre (or to 0).
    var shift = 0.0
    for k in 0..<problem.p {
      let target = centered ? state.centre[k] : 0
      shift += state.betaScaled[k] * problem.scales[k] * (problem.means[k] - target)
    }
    let factor = Double.exp(-shift)
    let terms = problem.curveTerms(beta: state.betaScaled, ties: state.ties)
    var time: [Double] = []
    var hazard: [Double] = []
    var strata: [String] = []
    for (s, curve) in terms.enumerated() {
      var total = 0.0
      for k in curve.time.indices {
        total += curve.hazard[k]
        time.append(curve.time[k])
        hazard.append(total * factor)
        strata.append(state.strataLabels[s])
      }
    }
    let stratified = !Self.strataVariables(state.strataLabels).isEmpty
    return CoxBaselineHazard(
      time: time, hazard: hazard, strata: stratified ? strata : nil, centered: centered)
  }

  /// The strata variables, read from the labels (`inst=3, sex=1`); none for `all`.
  static func strataVariables(_ labels: [String]) -> [String] {
    guard let first = labels.first, labels.count > 1 || first != "all" else { return [] }
    return first.split(separator: ",").map {
      String($0.drop { $0 == " " }.prefix { $0 != "=" })
    }
  }

  /// A level as the strata labels write it: numbers in shortest form (`3.0` -> `3`).
  static func normalisedLevel(_ text: String) -> String {
    if let x = Double(text), x.isFinite { return NumberFormatting.shortest(x) }
    return text
  }
}
