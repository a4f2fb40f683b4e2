import RealModule

/// The numerical core of logistic regression: the design (intercept first), the 0/1 response,
/// and Newton–Raphson fits of the likelihood or of Firth's penalised likelihood, free or with
/// some coefficients held fixed (for likelihood-ratio tests and profile limits).
///
/// With π_i = 1 / (1 + e^(−x_iᵀβ)) and W = diag(π_i (1 − π_i)):
/// - log-likelihood l(β) = Σ y_i η_i − log(1 + e^(η_i)), score U = Xᵀ(y − π), information
///   I = XᵀWX;
/// - Firth: l*(β) = l(β) + ½ log det I(β), whose gradient is the modified score
///   U*_j = Σ (y_i − π_i + h_i (½ − π_i)) x_ij with h_i the diagonal of
///   W^½ X I⁻¹ Xᵀ W^½ (Firth 1993; Heinze & Schemper 2002). The penalty always uses the full
///   design, also when coefficients are held fixed (as R's `logistf`).
/// Each Newton step solves I_FF δ = U_F over the free coefficients F (LAPACK Cholesky), is
/// shortened to at most 5 per coefficient (logistf's `maxstep`), and is halved while the
/// (penalised) log-likelihood falls.
struct LogisticProblem {
  /// Row-major n × p design: `x[i * p + j]`.
  let x: [Double]
  let y: [Double]
  let n: Int
  let p: Int
  let firth: Bool

  struct Evaluation {
    /// l(β), or l*(β) for Firth.
    var loglik: Double
    /// U or U*.
    var score: [Double]
    /// I(β) = XᵀWX.
    var information: Matrix
    /// max over rows of min(π, 1 − π) is not needed; the smallest min(π, 1 − π) is.
    var extremeFitted: Double
  }

  func evaluate(_ beta: [Double]) throws -> Evaluation {
    var loglik = 0.0
    var weights = [Double](repeating: 0, count: n)
    var residual = [Double](repeating: 0, count: n)
    var information = Matrix(zeros: p)
    var extreme = 1.0
    for i in 0..<n {
      var eta = 0.0
      for j in 0..<p { eta += x[i * p + j] * beta[j] }
      // log(1 + e^η) without overflow.
      let softplus = max(eta, 0) + Double.log(onePlus: Double.exp(-abs(eta)))
      loglik += y[i] * eta - softplus
      let pi = 1 / (1 + Double.exp(-eta))
      let w = pi * (1 - pi)
      weights[i] = w
      residual[i] = y[i] - pi
      extreme = min(extreme, min(pi, 1 - pi))
      for j in 0..<p {
        let xw = x[i * p + j] * w
        if xw == 0 { continue }
        for k in j..<p { information[k, j] += xw * x[i * p + k] }
      }
    }
    for j in 0..<p { for k in (j + 1)..<max(j + 1, p) { information[j, k] = information[k, j] } }
    if firth {
      let factor = try LAPACK.cholesky(information)
      var logdet = 0.0
      for j in 0..<p { logdet += 2 * Double.log(factor[j, j]) }
      loglik += logdet / 2
      let inverse = try LAPACK.inverse(information)
      for i in 0..<n {
        var h = 0.0
        for j in 0..<p {
          var s = 0.0
          for k in 0..<p { s += inverse[j, k] * x[i * p + k] }
          h += x[i * p + j] * s
        }
        h *= weights[i]
        let pi = y[i] - residual[i]
        residual[i] += h * (0.5 - pi)
      }
    }
    var score = [Double](repeating: 0, count: p)
    for i in 0..<n {
      for j in 0..<p { score[j] += x[i * p + j] * residual[i] }
    }
    return Evaluation(
      loglik: loglik, score: score, information: information, extremeFitted: extreme)
  }

  struct Fit {
    var beta: [Double]
    var evaluation: Evaluation
    var iterations: Int
    var converged: Bool
  }

  /// Maximises l (or l*) over the coefficients not in `fixed` (index -> value), from `start`.
  /// Maximum likelihood stops when a full step changes the log-likelihood by at most
  /// ε (|l| + 0.1) (R's glm rule; Newton converges quadratically, and under separation the
  /// steps never shrink) or moves no coefficient by more than 1e-12 (1 + |β|). Firth's
  /// iteration, which converges linearly, stops only on the step.
  func fit(start: [Double], fixed: [Int: Double] = [:], maxIterations: Int, epsilon: Double)
    throws -> Fit
  {
    var beta = start
    for (j, v) in fixed { beta[j] = v }
    let free = (0..<p).filter { fixed[$0] == nil }
    var current = try evaluate(beta)
    var converged = false
    var iterations = 0
    if free.isEmpty { return Fit(beta: beta, evaluation: current, iterations: 0, converged: true) }
    while iterations < maxIterations {
      iterations += 1
      var sub = Matrix(zeros: free.count)
      for (a, j) in free.enumerated() {
        for (b, k) in free.enumerated() { sub[a, b] = current.information[j, k] }
      }
      var step: [Double]
      do {
        step = try LAPACK.solve(sub, free.map { current.score[$0] })
      } catch {
        // I numerically singular (the design was checked to have full rank): the fitted
        // probabilities are 0 or 1 wherever a free column varies, i.e. the maximum is at
        // infinity; the likelihood is at its supremum to rounding.
        if !firth { break }
        throw error
      }
      let largest = step.map { abs($0) }.max() ?? 0
      if largest > 5 { step = step.map { $0 * 5 / largest } }
      // Firth's iteration (I for the Hessian of l*) converges linearly: it stops on the step.
      if zip(free, step).allSatisfy({ abs($1) <= 1e-12 * (1 + abs(beta[$0])) }) {
        converged = true
        break
      }
      var halvings = 0
      var trialBeta = beta
      var trial: Evaluation
      while true {
        for (a, j) in free.enumerated() { trialBeta[j] = beta[j] + step[a] }
        trial = try evaluate(trialBeta)
        if trial.loglik.isFinite && trial.loglik >= current.loglik - 1e-12 * abs(current.loglik)
          || halvings >= 25
        {
          break
        }
        halvings += 1
        step = step.map { $0 / 2 }
      }
      let change = abs(trial.loglik - current.loglik)
      beta = trialBeta
      current = trial
      if !firth && halvings == 0 && change <= epsilon * (abs(trial.loglik) + 0.1) {
        converged = true
        break
      }
    }
    return Fit(beta: beta, evaluation: current, iterations: iterations, converged: converged)
  }

  /// The Newton step the fit would still take at its end, per coefficient (0 when fixed).
  func remainingStep(_ fit: Fit) throws -> [Double] {
    try LAPACK.solve(fit.evaluation.information, fit.evaluation.score)
  }
}
