import AyatJOSE
import Crypto
import Foundation
import _CryptoExtras

/// Compact JWS with `{"alg", "kid"}` over the JSON freeze order: Ayat's JWS library beside joserfc
/// and pyjwt, same payload, same keys, keys loaded once.
public struct JOSEComparison {
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
        let rsa = try _RSA.Signing.PrivateKey(pemRepresentation: String(contentsOf: rsaFiles.privateKey, encoding: .utf8))
        let p256 = try P256.Signing.PrivateKey(pemRepresentation: String(contentsOf: p256Files.privateKey, encoding: .utf8))
        let cases: [(JWSAlgorithm, JWSSigningKey, JWSVerificationKey)] = [
            (.ps256, .rsa(rsa), .rsa(rsa.publicKey)),
            (.rs256, .rsa(rsa), .rsa(rsa.publicKey)),
            (.es256, .p256(p256), .p256(p256.publicKey)),
        ]
        print("\nCompact JWS over the \(payload.count)-byte JSON order, 1 core (Ayat's JWS library, joserfc, pyjwt):")
        let others = PythonBaselines.jose(rsaKeyPEM: rsaFiles.privateKey.path, p256KeyPEM: p256Files.privateKey.path,
                                          payload: payloadFile.path, count: count)
        for (library, result) in others.sorted(by: { $0.key < $1.key }) {
            if case .failure(let skipped) = result { print("  \(library) skipped: \(skipped)") }
        }
        print("  alg     library    sign/s  verify/s")
        for (algorithm, signing, verifying) in cases {
            let signer = try JWSSigner(key: signing, algorithm: algorithm)
            let verifier = JWSVerifier(key: verifying, keyID: "bench")
            let header = JOSEHeader(["kid": "bench"])
            let token = try signer.signCompact(header: header, payload: payload)
            let sign = try OperationRate.measure(count) { _ = try signer.signCompact(header: header, payload: payload) }
            let verify = try OperationRate.measure(count) { _ = try verifier.verifyCompact(token) }
            print("  \(algorithm.name.padding(toLength: 7, withPad: " ", startingAt: 0)) Ayat     \(String(format: "%8.0f  %8.0f", sign, verify))")
            var fastest: (sign: Double, verify: Double)?
            for library in ["joserfc", "pyjwt"] {
                guard case .success(let rates) = others[library], let rate = rates[algorithm.name] else { continue }
                print("  \(algorithm.name.padding(toLength: 7, withPad: " ", startingAt: 0)) \(library.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%8.0f  %8.0f", rate.sign, rate.verify))")
                fastest = (max(fastest?.sign ?? 0, rate.sign), max(fastest?.verify ?? 0, rate.verify))
            }
            if let fastest {
                print("          Ayat ÷ the faster Python library: sign \(String(format: "%.2f", sign / fastest.sign))×, verify \(String(format: "%.2f", verify / fastest.verify))×")
            }
        }
    }
}
