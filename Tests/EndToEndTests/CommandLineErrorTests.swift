import AyatSandbox
import Foundation
import Testing

/// The CLI fails with one line that says why and a non-zero exit, never a Foundation error dump.
@Suite("Command-line failures")
struct CommandLineErrorTests {
    func ayat(_ arguments: [String]) async throws -> (status: Int32, lines: [Substring]) {
        let executable = try #require(GatewayProcess.executable(), "the ayat executable was not found beside the test binary: build it (swift build --build-tests) or set AYAT_EXECUTABLE")
        let (status, output) = try await ExternalTool.run(executable.path, arguments)
        return (status, output.split(separator: "\n"))
    }

    func withScratch<T>(_ body: (URL) async throws -> T) async throws -> T {
        let scratch = FileManager.default.temporaryDirectory.appending(path: "ayat-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        return try await body(scratch)
    }

    @Test("a file system error names the path and the system's reason")
    func fileSystemError() async throws {
        try await withScratch { scratch in
            let file = scratch.appending(path: "plain-file")
            try Data("x".utf8).write(to: file)
            let (status, lines) = try await ayat(["certs", "init", "--out", file.appending(path: "pki").path])
            #expect(status != 0)
            #expect(lines == ["Error: \(file.appending(path: "pki").path): Not a directory"], "\(lines)")
        }
    }

    @Test("a certificate file that is not text is named as such, not as missing; exit 2 is a usage error")
    func binaryCertificate() async throws {
        try await withScratch { scratch in
            let binary = scratch.appending(path: "random.pem")
            try Data([0xFF, 0xFE, 0x00, 0x81, 0xC3]).write(to: binary)
            let message = scratch.appending(path: "message.xml")
            try Data("<a/>".utf8).write(to: message)
            let (status, lines) = try await ayat(["verify", "--cert", binary.path, message.path])
            #expect(status == 2)
            #expect(lines == ["ayat: \(binary.path): not a PEM certificate: the file is not text"], "\(lines)")
            let missing = try await ayat(["verify", "--cert", scratch.appending(path: "absent.pem").path, message.path])
            #expect(missing.status == 2)
            #expect(missing.lines.count == 1 && missing.lines[0].hasSuffix("absent.pem: certificate file not found or unreadable"), "\(missing.lines)")
        }
    }

    @Test("an order file that is not an order says where, as the API would")
    func badOrderFile() async throws {
        try await withScratch { scratch in
            let wrongType = scratch.appending(path: "wrong-type.json")
            try Data(#"{"type":"freeze","bank":14}"#.utf8).write(to: wrongType)
            let wrong = try await ayat(["render", "--state", scratch.path, wrongType.path])
            #expect(wrong.status != 0)
            #expect(wrong.lines == ["Error: \(wrongType.path) is not an order in JSON: bank must be a string"], "\(wrong.lines)")

            let truncated = scratch.appending(path: "truncated.json")
            try Data(#"{"a":"#.utf8).write(to: truncated)
            let cut = try await ayat(["render", "--state", scratch.path, truncated.path])
            #expect(cut.status != 0)
            #expect(cut.lines.count == 1 && cut.lines[0].hasPrefix("Error: \(truncated.path) is not an order in JSON: the body is not a JSON object"), "\(cut.lines)")
        }
    }
}
