import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time the Linux kernel has charged a process (`/proc/PID/stat`): nil elsewhere, and
/// once the process is gone. On a shared, noisy machine, CPU per unit of work moves far less
/// between runs than work per second does.
public enum ProcessCPU {
    /// User plus system seconds of process `pid` (every thread, since it started), or of this process.
    public static func seconds(pid: Int32? = nil) -> Double? {
        let path = "/proc/\(pid.map(String.init) ?? "self")/stat"
        // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, so utime (14) and stime (15) are the 12th and 13th here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ticks > 0 ? (user + system) / ticks : nil
    }
}
