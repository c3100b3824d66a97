import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import AyatJOSE

/// Python `joserfc`, an independent JOSE implementation, checked both ways. Skipped with a
/// message when python3 or joserfc is missing on a developer machine; a failure when CI=true.
enum Joserfc {
    static let requiredByCI = ProcessInfo.processInfo.environment["CI"] == "true"

    static let available: Bool = (try? run(["-c", "import joserfc.jws"]).status) == 0

    static var shouldRun: Bool { available || requiredByCI }

    struct Result {
        let status: Int32
        let output: String
    }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

/// A fresh directory per test holding the scripts and PEM files, removed afterwards.
final class InteropDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ayat-jose-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try write("sign.py", JoserfcScripts.sign.bytes)
        try write("verify.py", JoserfcScripts.verify.bytes)
        try write("rsa.pem", TestKeys.rsa.swiftCryptoKey.pemRepresentation.bytes)
        try write("rsa.pub.pem", TestKeys.rsa.publicKey.pemRepresentation.bytes)
        try write("ec.pem", TestKeys.p256.pemRepresentation.bytes)
        try write("ec.pub.pem", TestKeys.p256.publicKey.pemRepresentation.bytes)
        try write("payload.bin", sampleBody)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

@Suite(
    "Interop with Python joserfc",
    .enabled(if: Joserfc.shouldRun, "python3 with joserfc not found: interop tests skipped (CI=true makes this a failure)"))
struct JoserfcInteropTests {
    enum Mode: String, CaseIterable, Sendable {
        case compact, detached, unencoded
    }

    static let cases: [(TestKeys.Identity, Mode)] = TestKeys.all.flatMap { identity in Mode.allCases.map { (identity, $0) } }

    static func keyFiles(_ identity: TestKeys.Identity) -> (private: String, public: String) {
        identity.algorithm == .es256 ? ("ec.pem", "ec.pub.pem") : ("rsa.pem", "rsa.pub.pem")
    }

    static func sign(_ identity: TestKeys.Identity, _ mode: Mode, payload: [UInt8] = sampleBody) throws -> String {
        let signer = try identity.signer()
        let header = identity.header(["iat": .int(Int64(Date().timeIntervalSince1970))])
        switch mode {
        case .compact: return try signer.signCompact(header: header, payload: payload)
        case .detached: return try signer.signDetached(header: header, payload: payload, unencodedPayload: false)
        case .unencoded: return try signer.signDetached(header: header, payload: payload, unencodedPayload: true)
        }
    }

    @Test("joserfc verifies what JWSSigner produced", arguments: cases)
    func joserfcVerifiesOurs(identity: TestKeys.Identity, mode: Mode) throws {
        try #require(Joserfc.available, "python3 with joserfc is required when CI=true")
        let directory = try InteropDirectory()
        let token = try Self.sign(identity, mode)
        try directory.write("token.txt", token.bytes)
        let accepted = try Joserfc.run(
            ["verify.py", identity.algorithm.name, mode.rawValue, Self.keyFiles(identity).public, "token.txt", "payload.bin"],
            in: directory.url)
        #expect(accepted.status == 0, "\(accepted.output)")

        // Control: joserfc really checks (another body fails there too).
        try directory.write("other.bin", sampleBody + [0x20])
        let otherToken: String
        switch mode {
        case .compact: otherToken = token.segments[0] + "." + Base64URL.encode(sampleBody + [0x20]) + "." + token.segments[2]
        default: otherToken = token
        }
        try directory.write("token2.txt", otherToken.bytes)
        let refused = try Joserfc.run(
            ["verify.py", identity.algorithm.name, mode.rawValue, Self.keyFiles(identity).public, "token2.txt", "other.bin"],
            in: directory.url)
        #expect(refused.status != 0, "\(refused.output)")
    }

    @Test("JWSVerifier verifies what joserfc signed", arguments: cases)
    func weVerifyJoserfc(identity: TestKeys.Identity, mode: Mode) throws {
        try #require(Joserfc.available, "python3 with joserfc is required when CI=true")
        let directory = try InteropDirectory()
        let signed = try Joserfc.run(
            ["sign.py", identity.algorithm.name, mode.rawValue, Self.keyFiles(identity).private, identity.keyID, "payload.bin"],
            in: directory.url)
        try #require(signed.status == 0, "\(signed.output)")
        let token = signed.output.trimmingCharacters(in: .whitespacesAndNewlines)

        let verified: VerifiedJWS
        switch mode {
        case .compact:
            verified = try TestKeys.verifier.verifyCompact(token)
        case .detached, .unencoded:
            #expect(token.segments[1].isEmpty)
            verified = try TestKeys.verifier.verifyDetached(token, payload: sampleBody)
        }
        #expect(verified.payload == sampleBody)
        #expect(verified.algorithm == identity.algorithm)
        #expect(verified.keyID == identity.keyID)
        #expect(verified.isUnencodedPayload == (mode == .unencoded))

        // Control: the same token over another body is refused.
        if mode != .compact {
            #expect(throws: JWSError(.signatureInvalid)) { try TestKeys.verifier.verifyDetached(token, payload: sampleBody + [0x20]) }
        }
    }
}
