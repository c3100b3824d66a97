import Foundation
import Glibc
import Synchronization
import Testing
import AyatSandbox

/// Signals delivered to the reading thread while it waits on a pipe interrupt its read(2)
/// (a handler without SA_RESTART, as some runtimes install for SIGCHLD). Foundation's
/// `readDataToEndOfFile()` then stops the process; `PipeReading` reads again.
private let interruptions = Atomic<Int>(0)

@Suite struct PipeReadingTests {
    @Test func aChildsOutputIsReadWholeAcrossManyChunks() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // 200,000 bytes: several pipe buffers, so several reads.
        process.arguments = ["-c", "head -c 200000 /dev/zero | tr '\\0' 'a'"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let bytes = PipeReading.all(pipe.fileHandleForReading)
        process.waitUntilExit()
        #expect(bytes.count == 200_000)
        #expect(bytes.allSatisfy { $0 == UInt8(ascii: "a") })
    }

    @Test func aReadInterruptedBySignalsIsMadeAgain() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in interruptions.add(1, ordering: .relaxed) }
        action.sa_flags = 0  // no SA_RESTART: a blocked read(2) returns EINTR
        sigemptyset(&action.sa_mask)
        var previous = sigaction()
        #expect(sigaction(SIGUSR2, &action, &previous) == 0)
        defer { sigaction(SIGUSR2, &previous, nil) }

        let pipe = Pipe()
        let result = Mutex<[UInt8]?>(nil)
        let reader = Mutex<(thread: pthread_t, task: String)?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            // Threads made from the test runner's threads inherit a mask that blocks signals.
            var unblock = sigset_t()
            sigemptyset(&unblock)
            sigaddset(&unblock, SIGUSR2)
            pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
            // "/proc/thread-self" names this thread's own directory ("PID/task/TID").
            let task = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? "self"
            reader.withLock { $0 = (pthread_self(), task) }
            let bytes = PipeReading.all(pipe.fileHandleForReading)
            result.withLock { $0 = bytes }
            finished.signal()
        }
        thread.start()
        var target: (thread: pthread_t, task: String)?
        while target == nil { target = reader.withLock { $0 } }
        // Signal it only once the kernel shows it waiting inside the pipe's read.
        let wchan = "/proc/\(target!.task)/wchan"
        // ("pipe_read", or "anon_pipe_read" on newer kernels; bounded, so a kernel that names it
        // otherwise makes the test weaker, never stuck).
        let deadline = ContinuousClock.now + .seconds(10)
        while !((try? String(contentsOfFile: wchan, encoding: .utf8)) ?? "").hasSuffix("pipe_read"), ContinuousClock.now < deadline {}
        let before = interruptions.load(ordering: .relaxed)
        for _ in 0..<50 { pthread_kill(target!.thread, SIGUSR2) }
        let payload = Array("frozen: every hop".utf8)
        pipe.fileHandleForWriting.write(Data(payload))
        try pipe.fileHandleForWriting.close()
        finished.wait()
        #expect(interruptions.load(ordering: .relaxed) > before, "the reading thread was signalled")
        #expect(result.withLock { $0 } == payload)
    }
}
