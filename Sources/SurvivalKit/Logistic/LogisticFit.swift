/// Options of a logistic regression fit.
public struct LogisticOptions: Sendable {
  /// Firth's penalised likelihood (R's `logistf`) instead of maximum likelihood (R's `glm`).
  public var firth = false
  /// Level of the confidence limits.
  public var confLevel = 0.95
  /// Newton–Raphson iteration limit per fit.
  public var maxIterations = 50
  /// Convergence: a full step changes the log-likelihood by at most ε (|l| + 0.1). R's glm uses
  /// 1e-8; the smaller default converges the estimates to about 1e-10.
  public var epsilon = 1e-12
  /// Non-default reference levels of factors (variable -> level).
  public var references: [String: String] = [:]

  /// Default options: maximum likelihood, 95 % limits.
  public init() {}
}

/// An immutable logistic regression result: coefficients with Wald and (penalised)
/// likelihood-ratio inference, odds ratios with Wald and profile-likelihood limits, and the
/// global and per-term likelihood-ratio tests.
public struct LogisticFit: Sendable {
  /// One coefficient (the intercept first).
  public struct Coefficient: Sendable, Equatable {
    /// Column name, R style (`(Intercept)`, `marker`, `histologyosteosarcoma`).
    public let term: String
    /// The estimate β̂ (log odds ratio).
    public let coef: Double
    /// √ of the diagonal of I(β̂)⁻¹.
    public let standardError: Double
    /// Wald z = coef / se.
    public let z: Double
    /// The p-value the model reports: Wald (maximum likelihood, as `summary.glm`) or the
    /// penalised likelihood-ratio test (Firth, as `logistf`).
    public let p: Double
    /// Wald p-value 2 Φ(−|z|).
    public let waldP: Double
    /// Likelihood-ratio chi-square for coef = 0 (1 df): 2 (l(β̂) − max l with coef = 0); the
    /// penalised likelihood for Firth.
    public let lrStatistic: Double
    /// Upper-tail chi-square (1 df) p-value of `lrStatistic`.
    public let lrP: Double
    /// exp(coef).
    public let oddsRatio: Double
    /// Profile (penalised) likelihood limits of the odds ratio: exp(b) where
    /// 2 (l(β̂) − max l with coef = b) = χ²₁(level); `.infinity` / 0 when the profile never
    /// reaches it.
    public let lower: Double
    /// Upper profile limit of the odds ratio.
    public let upper: Double
    /// Wald limits exp(coef ∓ z se).
    public let waldLower: Double
    /// Upper Wald limit of the odds ratio.
    public let waldUpper: Double
  }

  /// A likelihood-ratio test.
  public struct Test: Sendable, Equatable {
    /// Model term (`histology`), or `model` for the global test.
    public let term: String
    /// Likelihood-ratio chi-square.
    public let statistic: Double
    /// Degrees of freedom: the number of coefficients held at 0.
    public let df: Int
    /// Upper-tail chi-square p-value.
    public let p: Double
  }

  /// The model as written.
  public let formula: String
  /// Firth penalised (true) or maximum likelihood.
  public let firth: Bool
  /// Rows used, responses among them, rows dropped for a missing value.
  public let n: Int
  /// Rows with the response (y = 1).
  public let events: Int
  /// Rows dropped for a missing response or covariate.
  public let dropped: Int
  /// Newton–Raphson iterations of the full fit.
  public let iterations: Int
  /// Whether the full fit converged.
  public let converged: Bool
  /// Warnings a reader must see: non-convergence, infinite coefficients (separation).
  public let warnings: [String]
  /// Level of the confidence limits.
  public let confLevel: Double
  /// Reference level of each factor.
  public let references: [String: String]
  /// The coefficients, intercept first.
  public let coefficients: [Coefficient]
  /// I(β̂)⁻¹, rows and columns in coefficient order.
  public let variance: [[Double]]
  /// Log-likelihood (penalised for Firth) of the fit and of the intercept-only model.
  public let loglik: Double
  /// Log-likelihood (penalised for Firth) with every coefficient but the intercept at 0.
  public let loglikNull: Double
  /// Residual and null deviance −2 l (maximum likelihood only; R's `deviance`, `null.deviance`).
  public let deviance: Double?
  /// −2 times the intercept-only log-likelihood (maximum likelihood only).
  public let nullDeviance: Double?
  /// AIC = −2 l + 2 p (maximum likelihood only).
  public let aic: Double?
  /// The global test of every coefficient but the intercept.
  public let likelihoodRatio: Test
  /// One test per model term (all of a factor's columns together, as R's `drop1(test = "LRT")`).
  public let termTests: [Test]
}
