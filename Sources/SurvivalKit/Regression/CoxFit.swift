/// A fitted Cox proportional hazards model: an immutable value.
public struct CoxFit: Sendable {
  /// One row of the coefficient table. Aliased columns have nil estimates.
  public struct Coefficient: Sendable, Equatable {
    /// Column name, R style (`age`, `celltypelarge`, `age:sex`, `log(karno)`).
    public let term: String
    /// β̂, the log hazard ratio per unit of the column; nil when the column is aliased.
    public let coef: Double?
    /// exp(β̂).
    public let hazardRatio: Double?
    /// Model-based standard error.
    public let standardError: Double?
    /// Sandwich standard error (robust or cluster), when requested.
    public let robustStandardError: Double?
    /// coef / SE (the robust SE when one was requested).
    public let z: Double?
    /// Two-sided normal p-value of `z`, 2 (1 - Φ(|z|)).
    public let p: Double?
    /// Lower confidence limit of the hazard ratio, exp(β̂ - z SE), with
    /// z = Φ⁻¹(1 - (1 - confLevel)/2) and the robust SE when one was requested.
    public let lower: Double?
    /// Upper confidence limit of the hazard ratio, exp(β̂ + z SE).
    public let upper: Double?
  }

  /// A chi-square test of all coefficients.
  public struct Test: Sendable, Equatable {
    /// The χ² statistic.
    public let statistic: Double
    /// Degrees of freedom: the number of estimated (non-aliased) coefficients.
    public let df: Int
    /// Upper-tail χ² p-value.
    public let p: Double
  }

  /// One row per design column, in design order; aliased columns have nil estimates.
  public let coefficients: [Coefficient]
  /// Variance of the coefficients (robust when requested), p × p over all columns; rows and
  /// columns of aliased terms are nil.
  public let variance: [[Double?]]
  /// The model-based variance when the robust one is reported in `variance`.
  public let naiveVariance: [[Double?]]?
  /// Log partial likelihood at β = 0.
  public let loglikNull: Double
  /// Log partial likelihood at the estimate.
  public let loglik: Double
  /// Newton–Raphson iterations performed (0 with `maxIterations` = 0).
  public let iterations: Int
  /// Whether the relative change of the log partial likelihood fell to `epsilon`.
  public let converged: Bool
  /// Warnings a reader must see: aliased terms, infinite coefficients, non-convergence.
  public let warnings: [String]
  /// Rows used.
  public let n: Int
  /// Events among the rows used.
  public let events: Int
  /// Rows dropped for missing values.
  public let dropped: Int
  /// The tie handling of the fit.
  public let ties: CoxTies
  /// The confidence level of the hazard-ratio limits.
  public let confLevel: Double
  /// Whether the reported variance is the robust (sandwich) one.
  public let robust: Bool
  /// Whether the robust variance is reported only because some case weight is not an integer
  /// (R's default; `CoxOptions.robust = false` turns it off).
  public let robustByDefault: Bool
  /// The model as written (`Surv(time, status) ~ age + sex`).
  public let formula: String
  /// Likelihood-ratio test 2 (ℓ(β̂) - ℓ(0)).
  public let likelihoodRatio: Test
  /// Wald test β̂ᵀ V⁻¹ β̂, with the reported (robust, when requested) variance V.
  public let wald: Test
  /// Score (log-rank) test U(0)ᵀ I(0)⁻¹ U(0).
  public let score: Test
  /// The robust score test (with `--robust` or `cluster()`): U(0)ᵀ (Σ_c s_c s_cᵀ)⁻¹ U(0), s_c
  /// the weighted score residuals at β = 0 summed within clusters (R's `rscore`).
  public let robustScore: Test?
  /// Reference level of each factor.
  public let references: [String: String]
  /// Harrell's concordance and its standard error.
  public let concordance: Concordance?
  /// Whether this is Firth's penalised fit (then `loglik` and `loglikNull` are penalised,
  /// `ties` is Breslow, and each coefficient's `p` is the penalised likelihood-ratio test).
  public let firth: Bool
  /// How `lower` and `upper` were computed (nil limits are infinite profile limits).
  public let intervals: CoxIntervals
  /// The penalised spline of a `pspline()` model: θ, effective df, linear and non-linear
  /// tests (then the test df are the total effective df, rounded; see its exact value here).
  public let penalized: CoxPenalizedTerm?
  /// What later tests (cox.zph) need: the arranged data and the scaled estimate.
  let state: CoxState?
}

/// The internal state of a fit kept for follow-up computations.
struct CoxState: Sendable {
  let problem: CoxProblem
  let betaScaled: [Double]
  let ties: CoxTies
  /// Names of the estimated columns.
  let columnNames: [String]
  /// Term name -> indices among the estimated columns, in term order.
  let termColumns: [(String, [Int])]
  /// File line of each sample row.
  let lineNumbers: LineNumbers
  /// Model-based variance of the estimated coefficients (original coordinates).
  let naiveVariance: Matrix
  /// The `cluster()` groups of the sample rows with their values as written, for
  /// `collapse`.
  let cluster: Grouping?
  /// Stratum labels (`inst=3`), indexed by the strata codes of the sample.
  let strataLabels: [String]
  /// Stratum code of each sample row.
  let strataCodes: [Int32]
  /// The design (to encode new covariate profiles) and the indices of its estimated columns.
  let design: DesignMatrix
  let kept: [Int]
  /// The reported variance of the estimated coefficients (robust when the fit is),
  /// original coordinates: what R's `survfit.coxph` uses.
  let variance: Matrix
  /// R's centring vector `fit$means`: 0 for a column whose values are all -1, 0 or 1,
  /// otherwise the weighted mean (right-censored data) or the unweighted mean
  /// (counting-process data, R's `agreg.fit`).
  let centre: [Double]
}
