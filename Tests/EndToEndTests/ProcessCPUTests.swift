import AyatSandbox
import Foundation
import Testing

@Suite("Process CPU time")
struct ProcessCPUTests {
    @Test("this process's CPU time is read and grows while it computes")
    func growsWithWork() throws {
        let start = try #require(ProcessCPU.seconds())
        #expect(start > 0)
        // The kernel counts in ticks (10 ms here): compute until one more is charged, bounded by wall time.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        var now = start
        while now <= start, clock.now < deadline {
            for byte in 0..<UInt64(200_000) { digest = (digest ^ byte) &* 0x100_0000_01b3 }
            now = try #require(ProcessCPU.seconds())
        }
        #expect(now > start, "no CPU time was charged after 20 s of computing (digest \(digest))")
    }

    @Test("a process that does not exist has no CPU time")
    func missingProcess() {
        #expect(ProcessCPU.seconds(pid: Int32.max) == nil)
    }
}
