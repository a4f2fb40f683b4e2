/// A dense square matrix stored column-major, as LAPACK expects.
public struct Matrix: Sendable, Equatable {
  public let size: Int
  /// Column-major storage: element (i, j) is `storage[i + j * size]`.
  public var storage: [Double]

  public init(size: Int, storage: [Double]) {
    precondition(storage.count == size * size, "storage must hold size × size values")
    self.size = size
    self.storage = storage
  }

  public init(zeros size: Int) {
    self.init(size: size, storage: [Double](repeating: 0, count: size * size))
  }

  /// Builds a matrix from rows (row-major literal, as written on paper).
  public init(rows: [[Double]]) {
    let n = rows.count
    var s = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      precondition(rows[i].count == n, "every row needs \(n) values")
      for j in 0..<n { s[i + j * n] = rows[i][j] }
    }
    self.init(size: n, storage: s)
  }

  public subscript(i: Int, j: Int) -> Double {
    get { storage[i + j * size] }
    set { storage[i + j * size] = newValue }
  }
}
