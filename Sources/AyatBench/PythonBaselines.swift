import Foundation

/// Sign and verify rates of the usual Python stacks, measured on the same message and key as
/// Ayat in the same run: xmlsec1's library (`xmlsec` + `lxml`) for XMLDSig, `joserfc` and `pyjwt`
/// (both over `cryptography`, i.e. OpenSSL) for JWS.
public enum PythonBaselines {
    public struct Rates: Sendable, Hashable {
        public var sign: Double
        public var verify: Double
    }

    /// The enveloped signature Ayat's xml-enveloped dialect makes (exc-c14n, SHA-256, the key's
    /// algorithm, the certificate in KeyInfo), made and checked by xmlsec1's library.
    public static func xmlsec(keyPEM: String, certificatePEM: String, signedSample: String, count: Int) -> Result<Rates, BaselineSkipped> {
        let outcome = runScript(xmlsecScript, arguments: [keyPEM, certificatePEM, signedSample, String(count)])
        let numbers = outcome.output.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard outcome.succeeded, numbers.count == 2 else {
            return .failure(BaselineSkipped("python3 with xmlsec and lxml needed (pip install xmlsec lxml): \(outcome.lastLine)"))
        }
        return .success(Rates(sign: numbers[0], verify: numbers[1]))
    }

    /// Compact JWS over `payload` with `{"alg", "kid"}`, per library and algorithm:
    /// `[library: [alg: rates]]`, or why a library was not measured.
    public static func jose(rsaKeyPEM: String, p256KeyPEM: String, payload: String, count: Int) -> [String: Result<[String: Rates], BaselineSkipped>] {
        var results = [String: Result<[String: Rates], BaselineSkipped>]()
        for library in ["joserfc", "pyjwt"] {
            let outcome = runScript(joseScript, arguments: [library, rsaKeyPEM, p256KeyPEM, payload, String(count)])
            var rates = [String: Rates]()
            for line in outcome.output.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count == 3, let sign = Double(fields[1]), let verify = Double(fields[2]) {
                    rates[String(fields[0])] = Rates(sign: sign, verify: verify)
                }
            }
            if outcome.succeeded, !rates.isEmpty {
                results[library] = .success(rates)
            } else {
                results[library] = .failure(BaselineSkipped("python3 with \(library) needed (pip install \(library)): \(outcome.lastLine)"))
            }
        }
        return results
    }

    static func runScript(_ script: String, arguments: [String]) -> ExternalTool.Outcome {
        let file = FileManager.default.temporaryDirectory.appending(path: "ayat-bench-\(UUID().uuidString.prefix(8)).py")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            try script.write(to: file, atomically: true, encoding: .utf8)
        } catch {
            return ExternalTool.Outcome(succeeded: false, output: "cannot write \(file.path): \(error)")
        }
        return ExternalTool.run(["python3", file.path] + arguments)
    }

    /// `rate(operation)`: the fastest of five equal batches of `count`, as ``OperationRate`` measures.
    static let rateFunction = #"""
def rate(operation):
    operation()
    batch, best = max(1, count // 5), 0.0
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(batch):
            operation()
        best = max(best, batch / (time.perf_counter() - start))
    return best
"""#

    static let xmlsecScript = #"""
import re, sys, time
import xmlsec
from lxml import etree

key_file, cert_file, sample_file, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
signed = open(sample_file, "rb").read()
unsigned = re.sub(rb"<ds:Signature.*</ds:Signature>", b"", signed, flags=re.S)
key_text = open(key_file, "rb").read()
rsa = b"RSA" in key_text or len(key_text) > 500
algorithm = xmlsec.constants.TransformRsaSha256 if rsa else xmlsec.constants.TransformEcdsaSha256

def sign_once():
    root = etree.fromstring(unsigned)
    signature = xmlsec.template.create(root, xmlsec.constants.TransformExclC14N, algorithm, ns="ds")
    root.append(signature)
    reference = xmlsec.template.add_reference(signature, xmlsec.constants.TransformSha256, uri="")
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformEnveloped)
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformExclC14N)
    xmlsec.template.x509_data_add_certificate(xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature)))
    context = xmlsec.SignatureContext()
    context.key = key
    context.sign(signature)
    return etree.tostring(root)

key = xmlsec.Key.from_file(key_file, xmlsec.constants.KeyDataFormatPem)
key.load_cert_from_file(cert_file, xmlsec.constants.KeyDataFormatPem)
verify_key = xmlsec.Key.from_file(cert_file, xmlsec.constants.KeyDataFormatCertPem)
ours = sign_once()

def verify_once():
    root = etree.fromstring(ours)
    signature = xmlsec.tree.find_node(root, xmlsec.constants.NodeSignature)
    context = xmlsec.SignatureContext()
    context.key = verify_key
    context.verify(signature)

\#(rateFunction)

for operation in (sign_once, verify_once):
    print(rate(operation))
"""#

    /// Keys are loaded once, outside the timed loops, for both libraries.
    static let joseScript = #"""
import sys, time
library, rsa_file, ec_file, payload_file, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
payload = open(payload_file, "rb").read()
rsa_pem, ec_pem = open(rsa_file, "rb").read(), open(ec_file, "rb").read()

\#(rateFunction)

if library == "joserfc":
    from joserfc import jws
    from joserfc.jwk import RSAKey, ECKey
    keys = {"rsa": RSAKey.import_key(rsa_pem), "ec": ECKey.import_key(ec_pem)}
    for alg, kind in (("PS256", "rsa"), ("RS256", "rsa"), ("ES256", "ec")):
        key = keys[kind]
        header = {"alg": alg, "kid": "bench"}
        token = jws.serialize_compact(header, payload, key, algorithms=[alg])
        sign = rate(lambda: jws.serialize_compact(header, payload, key, algorithms=[alg]))
        verify = rate(lambda: jws.deserialize_compact(token, key, algorithms=[alg]))
        print(alg, sign, verify)
else:
    import jwt
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    keys = {"rsa": load_pem_private_key(rsa_pem, None), "ec": load_pem_private_key(ec_pem, None)}
    api = jwt.PyJWS()
    for alg, kind in (("PS256", "rsa"), ("RS256", "rsa"), ("ES256", "ec")):
        private = keys[kind]
        public = private.public_key()
        token = api.encode(payload, private, algorithm=alg, headers={"kid": "bench"})
        sign = rate(lambda: api.encode(payload, private, algorithm=alg, headers={"kid": "bench"}))
        verify = rate(lambda: api.decode(token, public, algorithms=[alg]))
        print(alg, sign, verify)
"""#
}
