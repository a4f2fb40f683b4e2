import Foundation
import XCTest

@testable import SurvivalKit

/// The Cox fixtures of `fixtures/R/cox_fixtures.R` (one JSON file each: data set, formula,
/// options and R's results) and the fit each describes, shared by `CoxFixtureTests` (against
/// R) and `CoxScaleTests` (the large-data paths on the same models).
enum CoxFixtures {
  /// Every fixture, by file name (without extension), in name order.
  static func all() throws -> [(String, [String: Any])] {
    let folder = TestSupport.fixtures.appendingPathComponent("cox")
    return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "json" && $0.lastPathComponent != "failures.json" }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
      .map {
        (
          $0.deletingPathExtension().lastPathComponent,
          try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any]
        )
      }
  }

  /// The model a fixture describes, fitted by SurvivalKit.
  static func fit(_ json: [String: Any]) throws -> CoxFit {
    let table = try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String))
    var options = CoxOptions()
    options.ties = CoxTies(rawValue: json["ties"] as! String)!
    options.weights = json["weights"] as? String
    options.robust = (json["robust"] as? Bool) ?? false
    options.references = (json["reference"] as? [String: String]) ?? [:]
    return try CoxModel.fit(
      table: table, formula: Formula(json["formula"] as! String), options: options)
  }
}
