import Foundation

/// How the bench prints numbers: rates without decimals, times in ms, ratios with ×.
enum Format {
    static func rate(_ value: Double) -> String { String(format: "%.0f", value) }
    static func ms(_ value: Double) -> String { value < 10 ? String(format: "%.2f ms", value) : String(format: "%.1f ms", value) }
    static func ratio(_ value: Double) -> String { String(format: "%.2f×", value) }
    static func mb(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }
    static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
    static func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
}

/// Lines written straight to stdout, unbuffered, so progress shows as it happens even through a pipe.
public enum BenchOutput {
    public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
