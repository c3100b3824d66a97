import ArgumentParser
import Foundation

/// Foundation's file errors, as one line that names the path and says what went wrong, instead
/// of an `NSError` dump: every subcommand's failures reach the user through here.
enum OneLineError {
    static func describe(_ error: any Error) -> any Error {
        guard let cocoa = error as? CocoaError else { return error }
        let info = (cocoa as NSError).userInfo
        let path = info[NSFilePathErrorKey] as? String ?? (info[NSURLErrorKey] as? URL)?.path
        let reason: String
        if let posix = info[NSUnderlyingErrorKey] as? POSIXError {
            reason = String(cString: strerror(posix.code.rawValue))
        } else {
            reason = cocoa.localizedDescription
        }
        return CommandFailure(path.map { "\($0): \(reason)" } ?? reason)
    }
}

extension Ayat {
    /// ArgumentParser's own loop, with Foundation's errors made readable first.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: OneLineError.describe(error))
        }
    }
}
