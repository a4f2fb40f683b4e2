/// Ordering of text by Unicode code points (not locale collation), so level order is the same
/// on every machine and in every locale.
package enum CodePoint {
  /// Whether `a` precedes `b` in Unicode scalar order.
  package static func less(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
  }
}
