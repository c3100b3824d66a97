import Foundation
import Testing
import AyatCore
import AyatJOSE
import AyatPKI
@testable import AyatDialects

/// Re-signs a rendered message after changing its protected header (and optionally its body),
/// with the real signer's key: what an attacker who controls a *pinned* key, or a buggy bank, could send.
/// `algorithm: .unsecured` or an HMAC algorithm produces an unsigned token with a junk signature.
func jsonResign(
    _ message: RenderedMessage, _ profile: JSONProfile, identity: SigningIdentity, body: [UInt8]? = nil,
    algorithm: JWSAlgorithm? = nil, mutate: (inout JOSEHeader) -> Void = { _ in }
) throws -> (bytes: [UInt8], headers: [String: String]) {
    var (_, header, _) = try jsonProtectedHeader(message, profile)
    let algorithm = algorithm ?? header.algorithm!
    if algorithm != header.algorithm { header["alg"] = .string(algorithm.name) }
    mutate(&header)
    let payload = body ?? message.bytes
    let token: String
    if algorithm == .unsecured || algorithm == .hs256 {
        token = JSONFixtures.unsignedDetached(header)
    } else {
        token = try JSONFixtures.forgeDetached(header, payload: payload, identity: identity, algorithm: algorithm,
                                               unencoded: header["b64"] == .bool(false))
    }
    var headers = message.headers
    headers[profile.signatureHeader] = profile == .header ? JSONFixtures.fspiopValue(token) : token
    return (payload, headers)
}

/// Every way a forged or altered message must be refused, for each JSON profile.
@Suite struct JWSAttackTests {
    let receipt = JSONFixtures.sampleReceipt(status: .accepted)

    func signedReceipt(_ pair: JSONCodecPair) throws -> RenderedMessage {
        try pair.bank.renderReply(.receipt(JSONFixtures.sampleReceipt(status: .accepted)), request: JSONFixtures.orderLine)
    }

    func read(_ pair: JSONCodecPair, _ bytes: [UInt8], _ headers: [String: String], at time: Date = JSONFixtures.now) throws {
        _ = try pair.gateway.readReply(bytes, headers: headers, request: JSONFixtures.orderLine, at: time)
    }

    @Test(arguments: JSONProfile.allCases)
    func aChangedBodyByteIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try pair.gateway.renderOrder(JSONFixtures.instruction(), request: JSONFixtures.orderLine)
        var text = String(decoding: message.bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "15000.50", with: "15000.51")
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "signatureInvalid") {
            _ = try pair.bank.readOrder(Array(text.utf8), headers: message.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now)
        }
    }

    @Test(arguments: JSONProfile.allCases)
    func whitespaceOrKeyOrderChangedAfterSigningIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        let spaced = [UInt8](message.bytes.prefix(1)) + Array(" ".utf8) + message.bytes.dropFirst()
        JSONFixtures.expectRefusal(.signatureInvalid) { try read(pair, spaced, message.headers) }
        // Same members, another order: equal as JSON, not as signed bytes.
        let text = String(decoding: message.bytes, as: UTF8.self)
        let reordered = text.replacingOccurrences(of: "\"from\":\"014\",\"to\":\"THACC\"", with: "\"to\":\"THACC\",\"from\":\"014\"")
        #expect(reordered != text)
        JSONFixtures.expectRefusal(.signatureInvalid) { try read(pair, Array(reordered.utf8), message.headers) }
    }

    @Test(arguments: JSONProfile.allCases)
    func aChangedSignatureIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        var headers = message.headers
        let value = headers[profile.signatureHeader]!
        let (_, _, signature) = try jsonProtectedHeader(message, profile)
        let middle = signature.index(signature.startIndex, offsetBy: signature.count / 2)
        var changed = signature
        changed.replaceSubrange(middle...middle, with: signature[middle] == "A" ? "B" : "A")
        headers[profile.signatureHeader] = value.replacingOccurrences(of: signature, with: changed)
        JSONFixtures.expectRefusal(.signatureInvalid) { try read(pair, message.bytes, headers) }
        // The simulator's corruption: the header's last character flipped.
        headers[profile.signatureHeader] = String(value.dropLast()) + (value.last == "A" ? "B" : "A")
        JSONFixtures.expectRefusal(.signatureInvalid) { try read(pair, message.bytes, headers) }
        headers[profile.signatureHeader] = nil
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "missing") { try read(pair, message.bytes, headers) }
    }

    @Test(arguments: JSONProfile.allCases, [SigningKeyAlgorithm.rsa2048, .p256])
    func aMessageSignedByAnyoneButThePinnedBankIsRefused(_ profile: JSONProfile, _ keys: SigningKeyAlgorithm) throws {
        let pair = try JSONCodecPair(profile, keys: keys)
        let impostor = try JSONCodecPair(profile, keys: keys, fresh: true)
        let forged = try impostor.bank.renderReply(.receipt(receipt), request: JSONFixtures.orderLine)
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "unknownKeyID") { try read(pair, forged.bytes, forged.headers) }
        // The impostor's signature under the genuine bank's kid: the pinned key does not verify it.
        let genuineKid = try JWSKeyID.of(pair.bankIdentity.certificate)
        let (bytes, headers) = try jsonResign(forged, profile, identity: impostor.bankIdentity) { header in
            header["kid"] = .string(genuineKid)
        }
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "signatureInvalid") { try read(pair, bytes, headers) }
    }

    @Test(arguments: JSONProfile.allCases)
    func anUnknownKidIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        let (bytes, headers) = try jsonResign(message, profile, identity: pair.bankIdentity) { $0["kid"] = "bank-014-2025" }
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "unknownKeyID") { try read(pair, bytes, headers) }
    }

    @Test(arguments: JSONProfile.allCases)
    func aKidSwitchedToAnotherPinnedKeyIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let other = try JSONCodecPair(profile, keys: .p256)
        // The gateway pins two keys; the bank signs with its own but names the other.
        let gateway = try profile.codec(identity: pair.gatewayIdentity, pinned: [pair.bankIdentity.certificate, other.bankIdentity.certificate])
        let message = try signedReceipt(pair)
        let otherKid = try JWSKeyID.of(other.bankIdentity.certificate)
        let (bytes, headers) = try jsonResign(message, profile, identity: pair.bankIdentity) {
            $0["kid"] = .string(otherKid)
        }
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "keyMismatch") {
            _ = try gateway.readReply(bytes, headers: headers, request: JSONFixtures.orderLine, at: JSONFixtures.now)
        }
        _ = try gateway.readReply(message.bytes, headers: message.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now)
    }

    @Test(arguments: JSONProfile.allCases)
    func algNoneIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        let (bytes, headers) = try jsonResign(message, profile, identity: pair.bankIdentity, algorithm: .unsecured)
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "noneAlgorithm") { try read(pair, bytes, headers) }
    }

    @Test(arguments: JSONProfile.allCases)
    func hs256KeyedWithThePublicKeyIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        let (bytes, headers) = try jsonResign(message, profile, identity: pair.bankIdentity, algorithm: .hs256)
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "hmacWithPublicKey") { try read(pair, bytes, headers) }
    }

    @Test(arguments: JSONProfile.allCases)
    func anAlgorithmOutsideTheProfileIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        // jws-detached is PS256 only for RSA; jws-header RS256 only.
        let (bytes, headers) = try jsonResign(message, profile, identity: pair.bankIdentity, algorithm: profile == .header ? .ps256 : .rs256)
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "algorithmNotAllowed") { try read(pair, bytes, headers) }
    }

    @Test(arguments: JSONProfile.allCases)
    func anUnknownCritIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        let (bytes, headers) = try jsonResign(message, profile, identity: pair.bankIdentity) { header in
            header["x-ayat-must-understand"] = true
            var critical = header["crit"]?.arrayValue ?? []
            critical.append("x-ayat-must-understand")
            header["crit"] = .array(critical)
        }
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "unknownCritical") { try read(pair, bytes, headers) }
    }

    @Test(arguments: JSONProfile.allCases)
    func anEmbeddedKeyIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        let (bytes, headers) = try jsonResign(message, profile, identity: pair.bankIdentity) { header in
            header["jwk"] = ["kty": "EC", "crv": "P-256", "x": "attacker", "y": "attacker"]
        }
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "embeddedKeyRefused") { try read(pair, bytes, headers) }
    }

    @Test(arguments: [JSONProfile.detached, .detachedUnencoded])
    func anIatOutsideTheSkewIsRefused(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        JSONFixtures.expectRefusal(.clockSkew, mentioning: "in the past") { try read(pair, message.bytes, message.headers, at: JSONFixtures.now.addingTimeInterval(3600)) }
        JSONFixtures.expectRefusal(.clockSkew, mentioning: "in the future") { try read(pair, message.bytes, message.headers, at: JSONFixtures.now.addingTimeInterval(-3600)) }
        try read(pair, message.bytes, message.headers, at: JSONFixtures.now.addingTimeInterval(299))
    }

    @Test func anFSPIOPDateOutsideTheSkewIsRefused() throws {
        let pair = try JSONCodecPair(.header)
        let message = try signedReceipt(pair)
        JSONFixtures.expectRefusal(.clockSkew, mentioning: "FSPIOP-Date") { try read(pair, message.bytes, message.headers, at: JSONFixtures.now.addingTimeInterval(3600)) }
        let (bytes, headers) = try jsonResign(message, .header, identity: pair.bankIdentity) { $0["FSPIOP-Date"] = "2026-11-29T07:00:05Z" }
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "IMF-fixdate") { try read(pair, bytes, headers) }
    }

    @Test func aB64MismatchIsRefusedBothWays() throws {
        let encoded = try JSONCodecPair(.detached)
        let unencoded = try JSONCodecPair(.detachedUnencoded)
        let raw = try unencoded.bank.renderReply(.receipt(receipt), request: JSONFixtures.orderLine)
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "payloadEncodingNotAllowed") { try read(encoded, raw.bytes, raw.headers) }
        let standard = try encoded.bank.renderReply(.receipt(receipt), request: JSONFixtures.orderLine)
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "payloadEncodingNotAllowed") { try read(unencoded, standard.bytes, standard.headers) }
    }

    @Test(arguments: [JSONProfile.detached, .detachedUnencoded])
    func theOpenBankingClaimsMustBeCriticalAndTrue(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        let notCritical = try jsonResign(message, profile, identity: pair.bankIdentity) { header in
            let crit: JSONValue = profile == .detachedUnencoded ? ["iat", "iss", "b64"] : ["iat", "iss"]
            header["crit"] = crit
        }
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "\"tan\"") { try read(pair, notCritical.bytes, notCritical.headers) }
        let otherIssuer = try jsonResign(message, profile, identity: pair.bankIdentity) { $0["iss"] = "025" }
        JSONFixtures.expectRefusal(.bindingMismatch, mentioning: "iss") { try read(pair, otherIssuer.bytes, otherIssuer.headers) }
        let otherAnchor = try jsonResign(message, profile, identity: pair.bankIdentity) { $0["tan"] = "openbanking.org.uk" }
        JSONFixtures.expectRefusal(.bindingMismatch, mentioning: "tan") { try read(pair, otherAnchor.bytes, otherAnchor.headers) }
        let noIat = try jsonResign(message, profile, identity: pair.bankIdentity) { header in
            header["iat"] = nil
            let crit: JSONValue = profile == .detachedUnencoded ? ["iss", "tan", "b64"] : ["iss", "tan"]
            header["crit"] = crit
        }
        JSONFixtures.expectRefusal(.signatureInvalid, mentioning: "iat") { try read(pair, noIat.bytes, noIat.headers) }
    }

    @Test(arguments: JSONProfile.allCases)
    func aSignedBodyThatBreaksTheSchemaIsRefusedWithTheField(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let message = try signedReceipt(pair)
        let text = String(decoding: message.bytes, as: UTF8.self)
        let cases: [(String, DialectError.Code, String)] = [
            (text.replacingOccurrences(of: "\"status\":\"ACCP\"", with: "\"status\":\"OK\""), .schemaViolation, "receipt.status"),
            (text.replacingOccurrences(of: ",\"status\":\"ACCP\"", with: ""), .schemaViolation, "receipt.status: is required"),
            (text.replacingOccurrences(of: "\"status\":\"ACCP\"", with: "\"status\":\"ACCP\",\"extra\":1"), .schemaViolation, "receipt.extra"),
            (text.replacingOccurrences(of: "\"from\":\"014\"", with: "\"from\":14"), .schemaViolation, "header.from: must be a string"),
            (text.replacingOccurrences(of: "T07:00:05Z", with: "T07:00:05+07:00"), .schemaViolation, "header.createdAt"),
            (text.replacingOccurrences(of: "\"type\":\"receipt\"", with: "\"type\":\"memo\""), .schemaViolation, "type"),
            (text.replacingOccurrences(of: "\"type\":\"receipt\"", with: "\"type\":\"receipt\",\"type\":\"receipt\""), .malformed, "more than once"),
            ("[1,2]", .malformed, "body"),
        ]
        for (body, code, field) in cases {
            let forged = try jsonResign(message, profile, identity: pair.bankIdentity, body: Array(body.utf8))
            JSONFixtures.expectRefusal(code, mentioning: field) { try read(pair, forged.bytes, forged.headers) }
        }
        // A receipt where an order is expected.
        let asOrder = try jsonResign(message, profile, identity: pair.bankIdentity)
        JSONFixtures.expectRefusal(.malformed, mentioning: "not an order") {
            _ = try pair.gateway.readOrder(asOrder.bytes, headers: asOrder.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now)
        }
    }

    @Test(arguments: JSONProfile.allCases)
    func anOutboundMessageThatBreaksTheSchemaIsNeverSigned(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        JSONFixtures.expectRefusal(.schemaViolation, mentioning: "header.from") {
            _ = try pair.gateway.renderOrder(JSONFixtures.instruction(sender: String(repeating: "X", count: 36)), request: JSONFixtures.orderLine)
        }
        let tooLongReason = Receipt(
            messageID: .generate(prefix: "B014"), originalMessageID: .generate(), bank: BankCode("014")!, recipient: "THACC",
            createdAt: JSONFixtures.now, status: .rejected, reasonCode: "ac01")
        JSONFixtures.expectRefusal(.schemaViolation, mentioning: "receipt.reason.code") {
            _ = try pair.bank.renderReply(.receipt(tooLongReason), request: JSONFixtures.orderLine)
        }
    }
}
