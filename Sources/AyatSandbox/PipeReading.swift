import Foundation
import Glibc

/// Reads a child process's pipe without Foundation's `availableData` and
/// `readDataToEndOfFile()`: on Linux those stop the whole process with a fatal error when a
/// signal interrupts the read (EINTR, as a SIGCHLD from another child can; CI saw it once in
/// the crash test). Here an interrupted read is simply made again.
public enum PipeReading {
    /// The next bytes the pipe has, waiting until some arrive; empty at end of file or when
    /// the pipe fails.
    public static func chunk(_ handle: FileHandle, upTo count: Int = 65_536) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if got >= 0 { return Array(buffer.prefix(got)) }
            if errno != EINTR { return [] }
        }
    }

    /// Everything until end of file.
    public static func all(_ handle: FileHandle) -> [UInt8] {
        var bytes: [UInt8] = []
        while case let chunk = chunk(handle), !chunk.isEmpty { bytes += chunk }
        return bytes
    }
}
