/// The engine version, written into every report so a rerun can be traced to the code.
public enum SurvivalKitVersion {
  /// The semantic version of the engine, e.g. `0.1.0`.
  public static let string = "0.1.0"
}
