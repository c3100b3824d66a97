import Foundation
import AyatServer
import Logging


extension StateOption {
    var directory: StateDirectory { StateDirectory(URL(fileURLWithPath: state)) }
}

/// A one-line reason on stderr and a non-zero exit: how every subcommand fails.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Console {
    static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("ayat: \(message)\n".utf8))
    }

    /// Logs go to stderr at `warning` unless AYAT_LOG_LEVEL says otherwise, so the
    /// tables people read on stdout stay clean.
    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["AYAT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }
}
