// Only CSV.swift is imported here, so its CSVReader is unambiguous.
import CSV
import Foundation

func yaslabSum(path: String) throws -> Double {
  let stream = InputStream(fileAtPath: path)!
  let reader = try CSVReader(stream: stream, hasHeaderRow: true)
  var sum = 0.0
  while let row = reader.next() { for cell in row { sum += Double(cell) ?? 0 } }
  return sum
}
