import AyatJOSE
import AyatRSA
import Crypto
import Foundation
import _CryptoExtras

/// Compact JWS with `{"alg", "kid"}` over the JSON freeze order: Ayat's JWS library beside joserfc
/// and pyjwt, same payload, same keys, keys loaded once.
public struct JOSEComparison {
    /// Rounds of the comparison.
    static let rounds = 3
    let count: Int
    let directory: URL

    public init(count: Int, directory: URL) {
        self.count = count
        self.directory = directory
    }

    /// Prints one line per algorithm and library, and Ayat's ratio to the faster library.
    public func run(rsa rsaFiles: SampleOrder.Files, p256 p256Files: SampleOrder.Files) throws {
        let payloadFile = directory.appending(path: "order.json")
        let payload = Array(try JSONEncoder().encode(SampleOrder.order()))
        try Data(payload).write(to: payloadFile)
        let rsa = try RSASigningKey(_RSA.Signing.PrivateKey(pemRepresentation: String(contentsOf: rsaFiles.privateKey, encoding: .utf8)))
        let p256 = try P256.Signing.PrivateKey(pemRepresentation: String(contentsOf: p256Files.privateKey, encoding: .utf8))
        let cases: [(JWSAlgorithm, JWSSigningKey, JWSVerificationKey)] = [
            (.ps256, .rsa(rsa), .rsa(rsa.publicKey)),
            (.rs256, .rsa(rsa), .rsa(rsa.publicKey)),
            (.es256, .p256(p256), .p256(p256.publicKey)),
        ]
        print("\nCompact JWS over the \(payload.count)-byte JSON order, 1 core (Ayat's JWS library, joserfc, pyjwt),")
        print("the best of \(Self.rounds) alternating rounds of each:")
        // Best rate per library and algorithm, over rounds that alternate the libraries, so that
        // every library meets the same moments of a shared machine.
        var best: [String: [String: PythonBaselines.Rates]] = [:]
        func keep(_ library: String, _ algorithm: String, _ rates: PythonBaselines.Rates) {
            let known = best[library]?[algorithm]
            best[library, default: [:]][algorithm] = PythonBaselines.Rates(
                sign: max(known?.sign ?? 0, rates.sign), verify: max(known?.verify ?? 0, rates.verify))
        }
        var skipped: [String: BaselineSkipped] = [:]
        for _ in 0..<Self.rounds {
            let others = PythonBaselines.jose(rsaKeyPEM: rsaFiles.privateKey.path, p256KeyPEM: p256Files.privateKey.path,
                                              payload: payloadFile.path, count: count)
            for (library, result) in others {
                switch result {
                case .success(let rates): for (algorithm, rate) in rates { keep(library, algorithm, rate) }
                case .failure(let reason): skipped[library] = reason
                }
            }
            for (algorithm, signing, verifying) in cases {
                let signer = try JWSSigner(key: signing, algorithm: algorithm)
                let verifier = JWSVerifier(key: verifying, keyID: "bench")
                let header = JOSEHeader(["kid": "bench"])
                let token = try signer.signCompact(header: header, payload: payload)
                let sign = try OperationRate.measure(count) { _ = try signer.signCompact(header: header, payload: payload) }
                let verify = try OperationRate.measure(count) { _ = try verifier.verifyCompact(token) }
                keep("Ayat", algorithm.name, PythonBaselines.Rates(sign: sign, verify: verify))
            }
        }
        for (library, reason) in skipped.sorted(by: { $0.key < $1.key }) { print("  \(library) skipped: \(reason)") }
        print("  alg     library    sign/s  verify/s")
        for (algorithm, _, _) in cases {
            let name = algorithm.name
            guard let ours = best["Ayat"]?[name] else { continue }
            print("  \(name.padding(toLength: 7, withPad: " ", startingAt: 0)) Ayat     \(String(format: "%8.0f  %8.0f", ours.sign, ours.verify))")
            var fastest: (sign: Double, verify: Double)?
            for library in ["joserfc", "pyjwt"] {
                guard let rate = best[library]?[name] else { continue }
                print("  \(name.padding(toLength: 7, withPad: " ", startingAt: 0)) \(library.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%8.0f  %8.0f", rate.sign, rate.verify))")
                fastest = (max(fastest?.sign ?? 0, rate.sign), max(fastest?.verify ?? 0, rate.verify))
            }
            if let fastest {
                print("          Ayat ÷ the faster Python library: sign \(String(format: "%.2f", ours.sign / fastest.sign))×, verify \(String(format: "%.2f", ours.verify / fastest.verify))×")
            }
        }
    }
}
