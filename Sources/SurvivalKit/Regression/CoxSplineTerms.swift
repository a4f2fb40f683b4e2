import RealModule

/// The test of non-linearity of a spline term and its fitted curve.
///
/// For `ns()` the likelihood-ratio test compares the fit with `ns(x, df = k)` to the same model with x entering
/// linearly: 2 (ℓ_ns - ℓ_linear) on k - 1 degrees of freedom (the linear function lies in
/// the natural-spline space); for `pspline()` it is R's "nonlinear" Wald test
/// (`CoxPenalizedTerm`). The curve is the log hazard ratio f(x) - f(x_ref) against x,
/// x_ref the median of x, with the pointwise band f ± z √(dᵀ V d), d = B(x) - B(x_ref).
public struct CoxSplineTerm: Sendable {
  /// The term as written (`ns(age, df = 3)`).
  public let term: String
  /// The variable inside ns().
  public let variable: String
  /// Basis columns of the term.
  public let df: Int
  /// The LR test of non-linearity.
  public let chisq: Double
  /// Degrees of freedom of the test (df - 1; for pspline() the effective df - 1).
  public let testDF: Double
  /// p-value of the non-linearity test.
  public let p: Double
  /// Log-likelihood of the model with x linear (for pspline(), the fit's own).
  public let loglikLinear: Double
  /// The reference value of x (the median), where the log hazard ratio is 0.
  public let reference: Double
  /// Grid of x over its range, the log hazard ratio and its pointwise limits.
  public let x: [Double]
  /// Log hazard ratio against the reference at each x.
  public let logHazardRatio: [Double]
  /// Pointwise limits of the log hazard ratio (the fit's level).
  public let lower: [Double]
  /// Upper confidence limit.
  public let upper: [Double]
}

extension CoxModel {
  /// For each `ns()` or `pspline()` term of the formula: the test of non-linearity (for ns(),
  /// the LR test against the model refitted with the variable linear; for pspline(), R's
  /// "nonlinear" test) and the fitted log hazard ratio curve with its band (101 points over
  /// the range of x).
  public static func splineTerms(
    table: DataTable, formula: Formula, fit: CoxFit, options: CoxOptions = CoxOptions()
  ) throws -> [CoxSplineTerm] {
    guard let state = fit.state else { return [] }
    var result: [CoxSplineTerm] = []
    let z = Normal.quantile(1 - (1 - fit.confLevel) / 2)
    for (t, term) in formula.terms.enumerated() {
      guard term.factors.count == 1 else { continue }
      let variable = term.factors[0].variable
      var basis: ((Double) -> [Double])? = nil
      var names: [String] = []
      var boundary = (0.0, 1.0)
      var chisq = 0.0
      var testDF = 0.0
      var p = 1.0
      var loglikLinear = fit.loglik
      var df = 0
      switch term.factors[0] {
      case .ns(_, let k):
        guard let spline = state.design.splines[term.description] else { continue }
        var terms = formula.terms
        terms[t] = Term(factors: [.variable(variable)])
        let linearText = formula.text.replacing(term.description, with: variable)
        let linear = Formula(
          text: linearText, response: formula.response, terms: terms, strata: formula.strata,
          cluster: formula.cluster)
        let linearFit = try CoxModel.fit(table: table, formula: linear, options: options)
        guard linearFit.n == fit.n else {
          throw SurvivalKitError.invalidArgument(
            name: "ns", message: "the linear model used a different number of rows")
        }
        chisq = max(0, 2 * (fit.loglik - linearFit.loglik))
        testDF = Double(k - 1)
        p = k > 1 ? ChiSquare.upperTail(chisq, df: testDF) : 1
        loglikLinear = linearFit.loglik
        basis = spline.basis
        names = spline.names(term: term.description)
        boundary = spline.boundary
        df = k
      case .pspline:
        guard let spline = state.design.psplines[term.description],
          let penalized = fit.penalized
        else { continue }
        chisq = penalized.nonlinearChisq
        testDF = penalized.nonlinearDF
        p = penalized.nonlinearP
        basis = spline.basis
        names = spline.names(variable: variable)
        boundary = spline.boundary
        df = spline.columnCount
      default:
        continue
      }
      guard let basis else { continue }
      // Coefficient indices of the term among the estimated columns.
      let columns = names.compactMap { state.columnNames.firstIndex(of: $0) }
      let coef = columns.map { index in
        fit.coefficients.first { $0.term == state.columnNames[index] }?.coef ?? 0
      }
      var values: [Double] = []
      if case .numeric(let v) = try table.column(named: variable).values {
        values = v.filter { !$0.isNaN }.sorted()
      }
      let median =
        values.count % 2 == 1
        ? values[values.count / 2] : (values[values.count / 2 - 1] + values[values.count / 2]) / 2
      let referenceBasis = basis(median)
      var xs: [Double] = []
      var fs: [Double] = []
      var lows: [Double] = []
      var highs: [Double] = []
      for k in 0...100 {
        let x = boundary.0 + (boundary.1 - boundary.0) * Double(k) / 100
        let b = basis(x)
        let d = zip(b, referenceBasis).map { $0 - $1 }
        var f = 0.0
        var v = 0.0
        for (a, ca) in columns.enumerated() {
          f += coef[a] * d[a]
          for (b2, cb) in columns.enumerated() { v += d[a] * d[b2] * state.variance[ca, cb] }
        }
        xs.append(x)
        fs.append(f)
        lows.append(f - z * v.squareRoot())
        highs.append(f + z * v.squareRoot())
      }
      result.append(
        CoxSplineTerm(
          term: term.description, variable: variable, df: df, chisq: chisq, testDF: testDF,
          p: p, loglikLinear: loglikLinear, reference: median, x: xs, logHazardRatio: fs,
          lower: lows, upper: highs))
    }
    return result
  }
}
