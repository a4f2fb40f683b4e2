/// Hands closures that touch disjoint state to `concurrentPerform`.
struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
