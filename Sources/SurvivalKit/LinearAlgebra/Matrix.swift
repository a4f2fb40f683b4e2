/// A dense square matrix stored column-major, as LAPACK expects.
struct Matrix: Sendable, Equatable {
  let size: Int
  /// Column-major storage: element (i, j) is `storage[i + j * size]`.
  var storage: [Double]

  init(size: Int, storage: [Double]) {
    precondition(storage.count == size * size, "storage must hold size × size values")
    self.size = size
    self.storage = storage
  }

  init(zeros size: Int) {
    self.init(size: size, storage: [Double](repeating: 0, count: size * size))
  }

  /// Builds a matrix from rows (row-major literal, as written on paper).
  init(rows: [[Double]]) {
    let n = rows.count
    var s = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      precondition(rows[i].count == n, "every row needs \(n) values")
      for j in 0..<n { s[i + j * n] = rows[i][j] }
    }
    self.init(size: n, storage: s)
  }

  subscript(i: Int, j: Int) -> Double {
    get { storage[i + j * size] }
    set { storage[i + j * size] = newValue }
  }
}
