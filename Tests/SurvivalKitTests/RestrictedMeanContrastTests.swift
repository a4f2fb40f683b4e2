import Foundation
import XCTest

@testable import SurvivalKit

/// RMST contrasts: per-group RMST and SE against R (`Fixtures/rmst/r_*.json`, from
/// `fixtures/R/rmst_fixtures.R`), the two-group difference against survrm2py 0.1.5 (a
/// translation of R's survRM2; `py_*.json` from `fixtures/python/rmst_fixtures.py`), and the
/// ratio and chi-square against the derivation written here from R's numbers.
final class RestrictedMeanContrastTests: XCTestCase {
  func number(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }

  func testEveryFixture() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("rmst")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    ).filter { $0.lastPathComponent.hasPrefix("r_") }
    XCTAssertGreaterThanOrEqual(files.count, 8)
    for url in files {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
      let name = json["case"] as! String
      let table = try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String))
      let sample = try SurvivalSample(table: table, formula: Formula(json["formula"] as! String))
      let fit = try KaplanMeier.fit(sample)
      let byRule = json["tau_by_rule"] as! Bool
      let contrast = try RestrictedMeanContrast.compare(
        fit, tau: byRule ? nil : number(json["tau"]))
      assertClose(contrast.tau, number(json["tau"]), tol: 0, "\(name) tau")
      let groups = json["groups"] as! [[String: Any]]
      XCTAssertEqual(contrast.groups.map(\.label), groups.map { $0["label"] as! String }, name)
      for (g, e) in zip(contrast.groups, groups) {
        assertClose(g.estimate, number(e["rmst"]), tol: 1e-8, "\(name) rmst")
        assertClose(g.standardError, number(e["std_err"]), tol: 1e-8, "\(name) se")
      }
      // Derivation (Uno et al. 2014): independent groups.
      let mu = groups.map { number($0["rmst"]) }
      let v = groups.map { number($0["std_err"]) * number($0["std_err"]) }
      let z = 1.959963984540054
      if groups.count == 2 {
        let d = mu[1] - mu[0]
        let se = (v[0] + v[1]).squareRoot()
        assertClose(contrast.difference!.estimate, d, tol: 1e-8, "\(name) diff")
        assertClose(contrast.difference!.standardError, se, tol: 1e-8, "\(name) diff se")
        let logRatio = Foundation.log(mu[1] / mu[0])
        let seLog = (v[0] / (mu[0] * mu[0]) + v[1] / (mu[1] * mu[1])).squareRoot()
        assertClose(contrast.ratio!.estimate, Foundation.exp(logRatio), tol: 1e-8, "\(name) ratio")
        assertClose(contrast.ratio!.lower, Foundation.exp(logRatio - z * seLog), tol: 1e-8, "lo")
        assertClose(contrast.ratio!.upper, Foundation.exp(logRatio + z * seLog), tol: 1e-8, "up")
        assertClose(
          contrast.ratio!.p, Foundation.erfc(abs(logRatio / seLog) / 2.0.squareRoot()), tol: 1e-8,
          "\(name) ratio p")
        assertClose(contrast.chisq, d * d / (se * se), tol: 1e-8, "\(name) chisq = z²")
        // survrm2py (survRM2's arithmetic) for the difference.
        let py = folder.appendingPathComponent("py_\(name).json")
        let p = try JSONSerialization.jsonObject(with: Data(contentsOf: py)) as! [String: Any]
        assertClose(contrast.difference!.estimate, number(p["difference"]), tol: 1e-8, "py diff")
        assertClose(contrast.difference!.standardError, number(p["std_err"]), tol: 1e-8, "py se")
        assertClose(contrast.difference!.lower, number(p["lower"]), tol: 1e-8, "py lower")
        assertClose(contrast.difference!.upper, number(p["upper"]), tol: 1e-8, "py upper")
        // survrm2py computes p as 1 - cdf, exact only to absolute 1e-16.
        XCTAssertEqual(contrast.difference!.p, number(p["p"]), accuracy: 1e-12, "py p")
      } else {
        let w = v.map { 1 / $0 }
        let mean = zip(w, mu).map { $0 * $1 }.reduce(0, +) / w.reduce(0, +)
        let chisq = zip(w, mu).map { $0 * ($1 - mean) * ($1 - mean) }.reduce(0, +)
        assertClose(contrast.chisq, chisq, tol: 1e-8, "\(name) chisq")
        XCTAssertEqual(contrast.df, groups.count - 1)
        XCTAssertNil(contrast.difference)
      }
    }
  }

  func testTauBeyondFollowUpAndSingleGroup() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("aml.csv"))
    let fit = try KaplanMeier.fit(
      SurvivalSample(table: table, formula: Formula("Surv(time, status) ~ x")))
    assertThrows(
      try RestrictedMeanContrast.compare(fit, tau: 100),
      containing: ["beyond the follow-up of group x=Nonmaintained", "tau <= 45"])
    let single = try KaplanMeier.fit(
      SurvivalSample(table: table, formula: Formula("Surv(time, status) ~ 1")))
    assertThrows(try RestrictedMeanContrast.compare(single), containing: ["at least two groups"])
    assertThrows(
      try RestrictedMeanContrast.compare(fit, tau: 4.5),
      containing: ["group x=Maintained has no event before tau = 4.5"])
  }

  func testCommandLine() throws {
    let r = try TestSupport.runSurvkit([
      "km", "datasets/aml.csv", "Surv(time, status) ~ x", "--contrast", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let c = json["rmst_contrast"] as! [String: Any]
    XCTAssertEqual(c["tau"] as? Double, 45)
    XCTAssertEqual(c["tau_rule"] as? String, "smallest of the groups' largest times")
    let d = c["difference"] as! [String: Any]
    assertClose(d["estimate"] as? Double, -8.030303030303028, tol: 1e-8, "diff")
    let t = try TestSupport.runSurvkit([
      "km", "datasets/aml.csv", "Surv(time, status) ~ x", "--rmst", "30", "--contrast",
    ])
    XCTAssertTrue(t.stdout.contains("ratio (x=Nonmaintained vs x=Maintained)"), t.stdout)
  }
}
