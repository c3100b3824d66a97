import AyatSandbox
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Peak resident memory of this process. Linux lets a process reset its high-water mark
/// (`/proc/self/clear_refs`, value 5), so each scenario gets its own peak even though they
/// share one process; `getrusage` keeps the peak of the whole process so far.
public enum PeakMemory {
    /// Starts a new high-water mark, where the kernel allows it. Heap that earlier work freed
    /// (a backlog seeder's buffers, a previous scenario) is first handed back to the kernel, so
    /// the new mark counts what this run holds, not what the allocator kept from before.
    public static func reset() {
        trimHeap()
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .ascii)
    }

    /// glibc's `malloc_trim(0)`, looked up at run time: Swift's Glibc module leaves out malloc.h.
    private static func trimHeap() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }  // nil: RTLD_DEFAULT
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }

    /// The high-water mark since the last reset (VmHWM), or the process's whole-life peak.
    public static func sinceReset() -> Int {
        ProcessMemory.peakResident() ?? processPeak()
    }

    /// Resident memory now (VmRSS), where the kernel reports it.
    public static func current() -> Int? {
        ProcessMemory.resident()
    }

    /// `getrusage(RUSAGE_SELF).ru_maxrss`: the process's peak since it started.
    public static func processPeak() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
