import XCTest

@testable import SurvivalKit

/// Closed forms: A = [[4, 2], [2, 3]] has L = [[2, 0], [1, √2]], det 8,
/// A⁻¹ = [[3, -2], [-2, 4]] / 8, and A x = (2, 1) has x = (0.5, 0).
final class LAPACKTests: XCTestCase {
  let a = Matrix(rows: [[4, 2], [2, 3]])

  func testCholesky() throws {
    let l = try LAPACK.cholesky(a)
    XCTAssertEqual(l[0, 0], 2, accuracy: 1e-15)
    XCTAssertEqual(l[1, 0], 1, accuracy: 1e-15)
    XCTAssertEqual(l[1, 1], 2.0.squareRoot(), accuracy: 1e-15)
    XCTAssertEqual(l[0, 1], 0)
  }

  func testSolveAndInverse() throws {
    let x = try LAPACK.solve(a, [2, 1])
    XCTAssertEqual(x[0], 0.5, accuracy: 1e-15)
    XCTAssertEqual(x[1], 0, accuracy: 1e-15)
    let inv = try LAPACK.inverse(a)
    XCTAssertEqual(inv[0, 0], 3.0 / 8, accuracy: 1e-15)
    XCTAssertEqual(inv[0, 1], -2.0 / 8, accuracy: 1e-15)
    XCTAssertEqual(inv[1, 0], -2.0 / 8, accuracy: 1e-15)
    XCTAssertEqual(inv[1, 1], 4.0 / 8, accuracy: 1e-15)
  }

  /// A 3×3 Hilbert-like SPD matrix: inverse times matrix is the identity.
  func testInverseRoundTrip() throws {
    let h = Matrix(rows: [
      [1, 1.0 / 2, 1.0 / 3], [1.0 / 2, 1.0 / 3, 1.0 / 4], [1.0 / 3, 1.0 / 4, 1.0 / 5],
    ])
    let inv = try LAPACK.inverse(h)
    // The exact inverse of the 3×3 Hilbert matrix.
    let exact: [[Double]] = [[9, -36, 30], [-36, 192, -180], [30, -180, 180]]
    for i in 0..<3 {
      for j in 0..<3 { XCTAssertEqual(inv[i, j], exact[i][j], accuracy: 1e-9) }
    }
  }

  func testSingularMatrixIsAClearError() {
    let singular = Matrix(rows: [[1, 2], [2, 4]])
    assertThrows(try LAPACK.cholesky(singular), containing: ["not positive definite", "collinear"])
    assertThrows(try LAPACK.inverse(singular), containing: ["singular or collinear"])
  }
}
