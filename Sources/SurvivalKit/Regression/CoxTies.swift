/// How tied event times enter the Cox partial likelihood.
public enum CoxTies: String, Sendable, CaseIterable {
  /// Efron (1977): the risk set is reduced by the average of the tied subjects' risk (R's
  /// default).
  case efron
  /// Breslow (1974): every tied event sees the full risk set.
  case breslow
  /// The exact discrete partial likelihood (Kalbfleisch & Prentice 1973, "discrete" model;
  /// R's `ties = "exact"`): all subsets of the risk set of the size of the tie.
  case exact
}
