import CLapack

/// The one file that calls LAPACK (reference LAPACK from Debian's liblapack-dev).
///
/// Each routine's `info` is turned into a `SurvivalKitError.linearAlgebra` with a sentence a
/// user can act on; LAPACK's codes never reach the user. Matrices are symmetric positive
/// definite (information matrices), only their lower triangle is read.
enum LAPACK {
  /// Lower Cholesky factor L with A = L Lᵀ (upper triangle zeroed). `dpotrf`.
  /// - Throws: when A is not positive definite (a singular or collinear design).
  static func cholesky(_ a: Matrix) throws -> Matrix {
    var m = a
    var n = Int32(a.size)
    var lda = n
    var info: Int32 = 0
    var uplo = CChar(UInt8(ascii: "L"))
    if a.size > 0 {
      m.storage.withUnsafeMutableBufferPointer { buffer in
        dpotrf_(&uplo, &n, buffer.baseAddress, &lda, &info, 1)
      }
    }
    try check(info, "Cholesky factorisation")
    for j in 0..<a.size {
      for i in 0..<j { m[i, j] = 0 }
    }
    return m
  }

  /// Solves A x = b for symmetric positive-definite A (`dpotrf` + `dpotrs`).
  static func solve(_ a: Matrix, _ b: [Double]) throws -> [Double] {
    precondition(b.count == a.size, "right-hand side must have \(a.size) values")
    if a.size == 0 { return [] }
    let factor = try cholesky(a)
    return try solve(factor: factor, b)
  }

  /// Solves A x = b given the lower Cholesky factor of A (`dpotrs`).
  static func solve(factor: Matrix, _ b: [Double]) throws -> [Double] {
    var x = b
    var n = Int32(factor.size)
    var nrhs: Int32 = 1
    var lda = n
    var ldb = n
    var info: Int32 = 0
    var uplo = CChar(UInt8(ascii: "L"))
    factor.storage.withUnsafeBufferPointer { f in
      x.withUnsafeMutableBufferPointer { xb in
        dpotrs_(&uplo, &n, &nrhs, f.baseAddress, &lda, xb.baseAddress, &ldb, &info, 1)
      }
    }
    try check(info, "solve")
    return x
  }

  /// The inverse of a symmetric positive-definite matrix (`dpotrf` + `dpotri`), full storage.
  static func inverse(_ a: Matrix) throws -> Matrix {
    if a.size == 0 { return a }
    var m = try cholesky(a)
    var n = Int32(a.size)
    var lda = n
    var info: Int32 = 0
    var uplo = CChar(UInt8(ascii: "L"))
    m.storage.withUnsafeMutableBufferPointer { buffer in
      dpotri_(&uplo, &n, buffer.baseAddress, &lda, &info, 1)
    }
    try check(info, "inverse")
    for j in 0..<a.size {
      for i in 0..<j { m[i, j] = m[j, i] }
    }
    return m
  }

  static func check(_ info: Int32, _ operation: String) throws {
    if info == 0 { return }
    if info < 0 {
      throw SurvivalKitError.linearAlgebra(
        operation: operation,
        message: "internal error: argument \(-info) passed to LAPACK was invalid; please report")
    }
    throw SurvivalKitError.linearAlgebra(
      operation: operation,
      message: "the matrix is not positive definite (leading minor \(info) is not positive); "
        + "the design is singular or collinear: drop or combine the columns that duplicate "
        + "each other")
  }
}
