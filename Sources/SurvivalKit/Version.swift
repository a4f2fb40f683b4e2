/// The engine version, written into every report so a rerun can be traced to the code.
public enum SurvivalKitVersion {
  public static let string = "0.1.0"
}
