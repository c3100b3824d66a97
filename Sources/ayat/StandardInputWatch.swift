import Foundation
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// Returns when standard input reaches end of file, or on graceful shutdown. A supervisor
/// that starts `ayat serve` with a pipe on its stdin and never writes to it takes the gateway
/// down with it however it ends: the kernel closes the pipe when the supervisor dies, even
/// by SIGKILL.
struct StandardInputWatch: Service {
    func run() async throws {
        let (closed, ending) = AsyncStream.makeStream(of: Never.self)
        // read(2) blocks: a thread of its own, which the process's exit ends if stdin never closes.
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 256)
            while true {
                let count = read(STDIN_FILENO, &buffer, buffer.count)
                if count > 0 || (count < 0 && errno == EINTR) { continue }
                break
            }
            ending.finish()
        }
        reader.start()
        await cancelWhenGracefulShutdown {
            for await _ in closed {}
        }
    }
}
