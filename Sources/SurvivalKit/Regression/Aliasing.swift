/// Detection of aliased (collinear) covariate columns, as R's `cholesky2` does inside
/// `coxfit6`: a sequential Cholesky factorisation of the information matrix at β = 0 in which a
/// pivot below `tolerance × max diagonal` marks its column as a linear combination of the
/// columns before it. Aliased columns are dropped from the fit and reported with a null
/// coefficient (R's NA); constant columns are aliased with the (implicit) intercept.
enum Aliasing {
  /// R's default `toler.chol`, .Machine$double.eps^0.75.
  static let tolerance = 1.818989403545856e-12

  /// Indices of the columns to keep (ascending). `matrix` is p × p, symmetric.
  static func keptColumns(_ matrix: [Double], p: Int) -> [Int] {
    var maxDiagonal = 0.0
    for j in 0..<p { maxDiagonal = max(maxDiagonal, matrix[j * p + j]) }
    let eps = tolerance * maxDiagonal
    var l = matrix  // work copy, lower triangle used
    var kept: [Int] = []
    for j in 0..<p {
      var pivot = l[j * p + j]
      for k in kept { pivot -= l[j * p + k] * l[j * p + k] }
      if pivot <= eps || !pivot.isFinite {
        continue
      }
      let root = pivot.squareRoot()
      l[j * p + j] = root
      for i in (j + 1)..<max(j + 1, p) {
        var v = l[i * p + j]
        for k in kept { v -= l[i * p + k] * l[j * p + k] }
        l[i * p + j] = v / root
      }
      kept.append(j)
    }
    return kept
  }
}
