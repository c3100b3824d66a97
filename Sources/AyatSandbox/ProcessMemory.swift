import Foundation

/// Memory figures the Linux kernel keeps per process in `/proc/PID/status`: nil elsewhere,
/// and once the process is gone.
public enum ProcessMemory {
    /// The high-water mark of resident memory (`VmHWM`) of process `pid`, or of this process.
    public static func peakResident(pid: Int32? = nil) -> Int? {
        bytes("VmHWM:", pid: pid)
    }

    /// Resident memory now (`VmRSS`) of process `pid`, or of this process.
    public static func resident(pid: Int32? = nil) -> Int? {
        bytes("VmRSS:", pid: pid)
    }

    /// A status line's value (given in kB) in bytes.
    private static func bytes(_ field: String, pid: Int32?) -> Int? {
        let path = "/proc/\(pid.map(String.init) ?? "self")/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }
}
