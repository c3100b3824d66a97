import Foundation
import Testing
import AyatCore
import AyatJOSE
import AyatPKI
@testable import AyatDialects

/// Independent checks in Python: `joserfc` verifies what Ayat signs (and signs what Ayat
/// verifies), `jsonschema` validates what Ayat renders against `schemas/json-*.schema.json`.
/// Without python3 and the modules the tests are skipped, except on CI (CI=true), where they fail.
@Suite struct JSONDialectInteropTests {
    /// Every message both dialects render (all order kinds, receipts, results), per key type.
    static func renderedMessages(_ profile: JSONProfile, keys: SigningKeyAlgorithm) throws
        -> (pair: JSONCodecPair, messages: [(name: String, message: RenderedMessage, signer: SigningIdentity, schema: String)]) {
        let pair = try JSONCodecPair(profile, keys: keys)
        var messages: [(name: String, message: RenderedMessage, signer: SigningIdentity, schema: String)] = []
        for kind in OrderKind.all {
            messages.append(("\(profile) \(keys) \(kind)-order", try pair.gateway.renderOrder(JSONFixtures.instruction(kind: kind), request: JSONFixtures.orderLine),
                             pair.gatewayIdentity, "json-order.schema.json"))
        }
        let replies: [(String, BankReply, String)] = [
            ("accepted receipt", .receipt(JSONFixtures.sampleReceipt(status: .accepted)), "json-receipt.schema.json"),
            ("rejected receipt", .receipt(JSONFixtures.sampleReceipt(status: .rejected)), "json-receipt.schema.json"),
            ("result with onward transfers", .result(JSONFixtures.sampleResult()), "json-execution-result.schema.json"),
            ("failed refund result", .result(JSONFixtures.sampleFailedRefund()), "json-execution-result.schema.json"),
        ]
        for (name, reply, schema) in replies {
            messages.append(("\(profile) \(keys) \(name)", try pair.bank.renderReply(reply, request: JSONFixtures.orderLine), pair.bankIdentity, schema))
        }
        return (pair, messages)
    }

    static func certificatePath(_ pair: JSONCodecPair, of identity: SigningIdentity) -> String {
        identity.certificate == pair.gatewayIdentity.certificate ? pair.pki.gatewaySigning.certificate.path : pair.pki.bank("014").signing.certificate.path
    }

    static func writeJSON(_ object: Any) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "ayat-json-cases-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return url
    }

    // MARK: joserfc verifies Ayat

    static let joserfcVerify = #"""
    import sys, json, base64, hashlib
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from joserfc import jws
    from joserfc.jwk import import_key
    from joserfc.jws import JWSRegistry
    from joserfc.registry import HeaderParameter

    def b64d(text):
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    custom = {name: HeaderParameter(name, "str") for name in
              ["iss", "tan", "FSPIOP-URI", "FSPIOP-HTTP-Method", "FSPIOP-Source", "FSPIOP-Destination", "FSPIOP-Date"]}
    custom["iat"] = HeaderParameter("iat", "int")
    cases = json.load(open(sys.argv[1]))
    failures = 0
    for case in cases:
        cert = x509.load_pem_x509_certificate(open(case["cert"], "rb").read())
        public = cert.public_key()
        spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        key = import_key(pem, "RSA" if case["alg"][0] in "RP" else "EC")
        registry = JWSRegistry(header_registry=custom, algorithms=[case["alg"]])
        registry.max_header_length = 8192
        registry.max_payload_length = 1 << 20
        payload = b64d(case["payload"])
        try:
            obj = jws.deserialize_compact(case["token"], key, algorithms=[case["alg"]], registry=registry, payload=payload)
            headers = obj.headers()
            problems = []
            if obj.payload != payload: problems.append("payload differs")
            if headers.get("kid") != hashlib.sha256(spki).hexdigest(): problems.append("kid is not sha256(SPKI)")
            if headers.get("alg") != case["alg"]: problems.append("alg %r" % headers.get("alg"))
            if case["unencoded"] != (headers.get("b64") is False): problems.append("b64 %r" % headers.get("b64"))
            verdict = "invalid: " + ", ".join(problems) if problems else "valid"
        except Exception as error:
            verdict = "invalid: " + repr(error)
        if verdict.split(":")[0] != case["expect"]:
            failures += 1
            print("MISMATCH %s: expected %s, got %s" % (case["name"], case["expect"], verdict))
    print("joserfc checked %d tokens, %d mismatches" % (len(cases), failures))
    sys.exit(1 if failures else 0)
    """#

    @Test(.enabled(if: JSONPython.available("joserfc", "cryptography"), "python3 with joserfc is not installed (set CI=true to require it)"),
          arguments: JSONProfile.allCases)
    func joserfcVerifiesEveryMessageAyatSigns(_ profile: JSONProfile) throws {
        var cases: [[String: Any]] = []
        for keys in [SigningKeyAlgorithm.rsa2048, .p256] {
            let (pair, messages) = try Self.renderedMessages(profile, keys: keys)
            for (name, message, signer, _) in messages {
                let token = profile == .header
                    ? try JWSHeaderCodec.detachedToken(message.headers[JWSHeaderCodec.signatureHeader]!)
                    : message.headers[JWSDetachedCodec.signatureHeader]!
                let (_, header, _) = try jsonProtectedHeader(message, profile)
                var entry: [String: Any] = [
                    "name": name, "token": token, "payload": Base64URL.encode(message.bytes), "alg": header.algorithm!.name,
                    "cert": Self.certificatePath(pair, of: signer), "unencoded": profile == .detachedUnencoded, "expect": "valid",
                ]
                cases.append(entry)
                // Negative control: one changed body byte must fail in joserfc too.
                var tampered = message.bytes
                tampered[tampered.count / 2] ^= 0x01
                entry["name"] = "\(name) (tampered)"
                entry["payload"] = Base64URL.encode(tampered)
                entry["expect"] = "invalid"
                cases.append(entry)
            }
        }
        let file = try Self.writeJSON(cases)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try JSONPython.run(script: Self.joserfcVerify, arguments: [file.path])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("checked \(cases.count) tokens, 0 mismatches"), "\(outcome.output)")
    }

    // MARK: Ayat verifies joserfc

    static let joserfcSign = #"""
    import sys, json, base64, hashlib
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from joserfc import jws
    from joserfc.jwk import import_key
    from joserfc.jws import JWSRegistry
    from joserfc.registry import HeaderParameter

    custom = {name: HeaderParameter(name, "str") for name in
              ["iss", "tan", "FSPIOP-URI", "FSPIOP-HTTP-Method", "FSPIOP-Source", "FSPIOP-Destination", "FSPIOP-Date"]}
    custom["iat"] = HeaderParameter("iat", "int")
    out = []
    for case in json.load(open(sys.argv[1])):
        cert = x509.load_pem_x509_certificate(open(case["cert"], "rb").read())
        spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        rsa = case["keys"] == "rsa-2048"
        key = import_key(open(case["key"], "rb").read(), "RSA" if rsa else "EC")
        payload = base64.b64decode(case["body"])
        if case["profile"] == "jws-header":
            alg = "RS256" if rsa else "ES256"
            protected = {"alg": alg, "kid": hashlib.sha256(spki).hexdigest(), "FSPIOP-URI": case["path"],
                         "FSPIOP-HTTP-Method": case["method"], "FSPIOP-Source": "014", "FSPIOP-Destination": "THACC",
                         "FSPIOP-Date": case["date"]}
        else:
            alg = "PS256" if rsa else "ES256"
            protected = {"alg": alg, "kid": hashlib.sha256(spki).hexdigest(), "iat": case["iat"], "iss": "014",
                         "tan": "ayat.dev", "crit": ["iat", "iss", "tan"]}
            if case["unencoded"]:
                protected["b64"] = False
                protected["crit"].append("b64")
        registry = JWSRegistry(header_registry=custom, algorithms=[alg])
        registry.max_header_length = 8192
        token = jws.serialize_compact(protected, payload, key, algorithms=[alg], registry=registry)
        head, middle, signature = token.split(".")
        if case["profile"] == "jws-header":
            headers = {"fspiop-signature": json.dumps({"signature": signature, "protectedHeader": head}, separators=(",", ":"))}
        else:
            headers = {"x-jws-signature": head + ".." + signature}
        out.append({"name": case["name"], "headers": headers})
    print(json.dumps(out))
    """#

    @Test(.enabled(if: JSONPython.available("joserfc", "cryptography"), "python3 with joserfc is not installed (set CI=true to require it)"),
          arguments: JSONProfile.allCases)
    func ayatVerifiesWhatJoserfcSigns(_ profile: JSONProfile) throws {
        var cases: [[String: Any]] = []
        var expected: [String: (JSONCodecPair, BankReply, [UInt8])] = [:]
        let line = HTTPRequestLine(method: "PUT", path: "/v1/banks/014/results")
        for keys in [SigningKeyAlgorithm.rsa2048, .p256] {
            let pair = try JSONCodecPair(profile, keys: keys)
            for (label, reply) in [("receipt", BankReply.receipt(JSONFixtures.sampleReceipt())), ("result", .result(JSONFixtures.sampleResult()))] {
                let body = try pair.bank.renderReply(reply, request: line).bytes
                let name = "\(profile) \(keys) \(label)"
                expected[name] = (pair, reply, body)
                cases.append([
                    "name": name, "profile": profile == .header ? "jws-header" : "jws-detached", "unencoded": profile == .detachedUnencoded,
                    "keys": keys.rawValue, "key": pair.pki.bank("014").signing.privateKey.path,
                    "cert": pair.pki.bank("014").signing.certificate.path, "body": Data(body).base64EncodedString(),
                    "iat": Int(JSONFixtures.now.timeIntervalSince1970), "date": FSPIOPDate.format(JSONFixtures.now),
                    "method": line.method, "path": line.path,
                ])
            }
        }
        let file = try Self.writeJSON(cases)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try JSONPython.run(script: Self.joserfcSign, arguments: [file.path])
        try #require(outcome.status == 0, "\(outcome.output)")
        let signed = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [[String: Any]], "\(outcome.output)")
        #expect(signed.count == cases.count)
        for entry in signed {
            let name = try #require(entry["name"] as? String)
            let headers = try #require(entry["headers"] as? [String: String])
            let (pair, reply, body) = try #require(expected[name])
            #expect(try pair.gateway.readReply(body, headers: headers, request: line, at: JSONFixtures.now) == reply, "\(name)")
        }
    }

    // MARK: jsonschema validates Ayat

    static let jsonschemaValidate = #"""
    import sys, json, base64
    from jsonschema import Draft202012Validator
    cases = json.load(open(sys.argv[1]))
    root = sys.argv[2]
    failures = 0
    for case in cases:
        schema = json.load(open(root + "/schemas/" + case["schema"], encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        instance = json.loads(base64.b64decode(case["body"]).decode("utf-8"))
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = [error.message for error in validator.iter_errors(instance)]
        verdict = "invalid" if errors else "valid"
        if verdict != case["expect"]:
            failures += 1
            print("MISMATCH %s: expected %s, got %s %s" % (case["name"], case["expect"], verdict, errors[:3]))
    print("jsonschema checked %d messages, %d mismatches" % (len(cases), failures))
    sys.exit(1 if failures else 0)
    """#

    /// Changes to a valid message that the schema (and the Swift reader) must refuse.
    static let breakages: [(String, String, String)] = [
        ("extra member", "\"header\":{", "\"extra\":true,\"header\":{"),
        ("numeric amount", "\"value\":\"15000.50\"", "\"value\":15000.5"),
        ("local time", "T07:00:00Z\"", "T07:00:00+07:00\""),
        ("short account", "\"number\":\"1402339876\"", "\"number\":\"14023\""),
        ("wrong type", "\"type\":\"freeze-order\"", "\"type\":\"receipt\""),
    ]

    @Test(.enabled(if: JSONPython.available("jsonschema"), "python3 with jsonschema is not installed (set CI=true to require it)"))
    func jsonschemaValidatesEveryMessageAyatRenders() throws {
        var cases: [[String: Any]] = []
        for profile in JSONProfile.allCases {
            for keys in [SigningKeyAlgorithm.rsa2048, .p256] {
                for (name, message, _, schema) in try Self.renderedMessages(profile, keys: keys).messages {
                    cases.append(["name": name, "schema": schema, "body": Data(message.bytes).base64EncodedString(), "expect": "valid"])
                }
            }
        }
        // Negative controls, which the Swift reader must refuse as well.
        let freeze = JSONMessageBody.order(JSONFixtures.instruction())
        let text = String(decoding: freeze, as: UTF8.self)
        for (name, from, to) in Self.breakages {
            #expect(text.contains(from), "\(name)")
            let broken = text.replacingOccurrences(of: from, with: to)
            #expect(throws: DialectError.self, "\(name)") { _ = try JSONMessageBody.read(Array(broken.utf8)) }
            cases.append(["name": "order with \(name)", "schema": "json-order.schema.json", "body": Data(broken.utf8).base64EncodedString(), "expect": "invalid"])
        }
        let file = try Self.writeJSON(cases)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try JSONPython.run(script: Self.jsonschemaValidate, arguments: [file.path, JSONFixtures.repositoryRoot().path])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("checked \(cases.count) messages, 0 mismatches"), "\(outcome.output)")
    }

    @Test func theSchemasShipWithTheModule() throws {
        for name in ["json-order.schema.json", "json-receipt.schema.json", "json-execution-result.schema.json"] {
            let shipped = try Schemas.xsd(named: name)
            let repository = try Data(contentsOf: JSONFixtures.repositoryRoot().appending(path: "schemas/\(name)"))
            #expect(shipped == [UInt8](repository), "\(name)")
        }
    }
}
