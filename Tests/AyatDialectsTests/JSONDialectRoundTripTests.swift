import Foundation
import Testing
import AyatCore
import AyatJOSE
import AyatPKI
@testable import AyatDialects

/// The protected header of a rendered message, whichever dialect carries it.
func jsonProtectedHeader(_ message: RenderedMessage, _ profile: JSONProfile) throws -> (segment: String, header: JOSEHeader, signature: String) {
    let token: String
    if profile == .header {
        token = try JWSHeaderCodec.detachedToken(message.headers[JWSHeaderCodec.signatureHeader] ?? "")
    } else {
        token = message.headers[JWSDetachedCodec.signatureHeader] ?? ""
    }
    let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    try #require(parts.count == 3 && parts[1].isEmpty, "not a detached compact JWS: \(token)")
    return (parts[0], try JOSEHeader.parse(try Base64URL.decode(parts[0])), parts[2])
}

@Suite struct JSONDialectRoundTripTests {
    @Test(arguments: JSONProfile.allCases, [SigningKeyAlgorithm.rsa2048, .p256])
    func everyOrderKindReadsBackExactlyAtTheBank(_ profile: JSONProfile, _ keys: SigningKeyAlgorithm) throws {
        let pair = try JSONCodecPair(profile, keys: keys)
        for kind in OrderKind.all {
            let instruction = JSONFixtures.instruction(kind: kind)
            let message = try pair.gateway.renderOrder(instruction, request: JSONFixtures.orderLine)
            #expect(message.contentType == "application/json")
            #expect(message.headers[profile.signatureHeader] != nil)
            let read = try pair.bank.readOrder(message.bytes, headers: message.headers, request: JSONFixtures.orderLine, at: instruction.createdAt)
            #expect(read == instruction)
        }
    }

    @Test(arguments: JSONProfile.allCases, [SigningKeyAlgorithm.rsa2048, .p256])
    func receiptsAndResultsReadBackAtTheGateway(_ profile: JSONProfile, _ keys: SigningKeyAlgorithm) throws {
        let pair = try JSONCodecPair(profile, keys: keys)
        let replies: [BankReply] = [
            .receipt(JSONFixtures.sampleReceipt(status: .accepted)), .receipt(JSONFixtures.sampleReceipt(status: .rejected)),
            .result(JSONFixtures.sampleResult()), .result(JSONFixtures.sampleFailedRefund()),
        ]
        for reply in replies {
            let message = try pair.bank.renderReply(reply, request: JSONFixtures.orderLine)
            #expect(message.contentType == "application/json")
            #expect(try pair.gateway.readReply(message.bytes, headers: message.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now) == reply)
        }
    }

    @Test(arguments: JSONProfile.allCases)
    func thaiNamesTravelAsUTF8ByteForByte(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        // Decomposed and composed forms differ in bytes but compare equal as Swift Strings: compare bytes.
        let holder = "สมชาย ใจดี"
        let instruction = JSONFixtures.instruction(holder: holder, kind: .refund)
        let message = try pair.gateway.renderOrder(instruction, request: JSONFixtures.orderLine)
        #expect(message.bytes.firstRange(of: Array(holder.utf8)) != nil)
        #expect(message.bytes.firstRange(of: Array("มานี มีนา".utf8)) != nil)
        #expect(message.bytes.firstRange(of: Array("\\u".utf8)) == nil, "non-ASCII must not be \\u-escaped")
        let read = try pair.bank.readOrder(message.bytes, headers: message.headers, request: JSONFixtures.orderLine, at: instruction.createdAt)
        #expect(Array(read.account.holderName.rawValue.utf8) == Array(holder.utf8))
        #expect(Array(read.beneficiary!.account.holderName.rawValue.utf8) == Array("มานี มีนา".utf8))

        let result = JSONFixtures.sampleResult()
        let reply = try pair.bank.renderReply(.result(result), request: JSONFixtures.orderLine)
        guard case .result(let back) = try pair.gateway.readReply(reply.bytes, headers: reply.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now) else {
            Issue.record("not a result")
            return
        }
        #expect(Array(back.outcome.onwardTransfers[0].holderName!.rawValue.utf8) == Array("ประเสริฐ มั่นคง".utf8))
    }

    @Test func amountsAreDecimalStringsWithTheirCurrency() throws {
        let pair = try JSONCodecPair(.detached)
        let message = try pair.gateway.renderOrder(JSONFixtures.instruction(), request: JSONFixtures.orderLine)
        let text = String(decoding: message.bytes, as: UTF8.self)
        #expect(text.contains("\"amount\":{\"value\":\"15000.50\",\"currency\":\"THB\"}"))
        #expect(text.hasPrefix("{\"type\":\"freeze-order\",\"header\":{\"messageId\":"))
    }

    @Test(arguments: [SigningKeyAlgorithm.rsa2048, .p256], [false, true])
    func theDetachedProtectedHeaderCarriesTheOpenBankingClaims(_ keys: SigningKeyAlgorithm, _ unencoded: Bool) throws {
        let pair = try JSONCodecPair(unencoded ? .detachedUnencoded : .detached, keys: keys)
        let instruction = JSONFixtures.instruction()
        let message = try pair.gateway.renderOrder(instruction, request: JSONFixtures.orderLine)
        let (_, header, _) = try jsonProtectedHeader(message, unencoded ? .detachedUnencoded : .detached)
        #expect(header["alg"] == .string(keys == .p256 ? "ES256" : "PS256"))
        #expect(try header["kid"] == .string(JWSKeyID.of(pair.gatewayIdentity.certificate)))
        #expect(header["iat"] == .int(Int64(instruction.createdAt.timeIntervalSince1970)))
        #expect(header["iss"] == "THACC")
        #expect(header["tan"] == "ayat.dev")
        let crit: JSONValue = unencoded ? ["iat", "iss", "tan", "b64"] : ["iat", "iss", "tan"]
        let b64: JSONValue? = unencoded ? .bool(false) : nil
        #expect(header["crit"] == crit)
        #expect(header["b64"] == b64)
        #expect(Array(header.names.prefix(2)) == ["alg", "kid"])
    }

    @Test(arguments: [SigningKeyAlgorithm.rsa2048, .p256])
    func theHeaderDialectBindsTheRequestAndTheParties(_ keys: SigningKeyAlgorithm) throws {
        let pair = try JSONCodecPair(.header, keys: keys)
        let result = JSONFixtures.sampleResult()
        let line = HTTPRequestLine(method: "PUT", path: "/v1/banks/014/results")
        let message = try pair.bank.renderReply(.result(result), request: line)
        let (_, header, _) = try jsonProtectedHeader(message, .header)
        #expect(header.names == ["alg", "kid", "FSPIOP-URI", "FSPIOP-HTTP-Method", "FSPIOP-Source", "FSPIOP-Destination", "FSPIOP-Date"])
        #expect(header["alg"] == .string(keys == .p256 ? "ES256" : "RS256"))
        #expect(try header["kid"] == .string(JWSKeyID.of(pair.bankIdentity.certificate)))
        #expect(header["FSPIOP-URI"] == "/v1/banks/014/results")
        #expect(header["FSPIOP-HTTP-Method"] == "PUT")
        #expect(header["FSPIOP-Source"] == "014")
        #expect(header["FSPIOP-Destination"] == "THACC")
        #expect(header["FSPIOP-Date"] == "Sun, 29 Nov 2026 07:00:05 GMT")
        #expect(message.headers[JWSHeaderCodec.sourceHeader] == "014")
        #expect(message.headers[JWSHeaderCodec.destinationHeader] == "THACC")
        let value = try #require(message.headers[JWSHeaderCodec.signatureHeader])
        #expect(value.hasPrefix("{\"signature\":\""))
        #expect(value.contains("\"protectedHeader\":\""))
    }

    @Test func theKeyIDIsTheSHA256OfTheSubjectPublicKeyInfo() throws {
        let identities = try JSONTestIdentities.shared(.p256)
        let kid = try JWSKeyID.of(identities.bank.certificate)
        #expect(kid.count == 64)
        #expect(kid.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(try kid != JWSKeyID.of(identities.gateway.certificate))
    }

    @Test func theRegistryBuildsBothJSONDialects() throws {
        let identities = try JSONTestIdentities.shared(.p256)
        for dialect in [DialectName.jwsDetached, .jwsHeader] {
            let gateway = try DialectRegistry.codec(for: dialect, identity: identities.gateway, pinned: [identities.bank.certificate])
            let bank = try DialectRegistry.codec(for: dialect, identity: identities.bank, pinned: [identities.gateway.certificate])
            let instruction = JSONFixtures.instruction()
            let message = try gateway.renderOrder(instruction, request: JSONFixtures.orderLine)
            #expect(try bank.readOrder(message.bytes, headers: message.headers, request: JSONFixtures.orderLine, at: instruction.createdAt) == instruction)
            #expect(gateway.dialect == dialect)
        }
    }

    @Test func httpDatesAreIMFFixdateOnly() {
        let date = Timestamp.parse("2026-11-29T07:00:05Z")!
        #expect(FSPIOPDate.format(date) == "Sun, 29 Nov 2026 07:00:05 GMT")
        #expect(FSPIOPDate.parse("Sun, 29 Nov 2026 07:00:05 GMT") == date)
        #expect(FSPIOPDate.parse("Mon, 29 Nov 2026 07:00:05 GMT") == nil, "wrong weekday")
        #expect(FSPIOPDate.parse("Sunday, 29-Nov-26 07:00:05 GMT") == nil, "RFC 850 form")
        #expect(FSPIOPDate.parse("2026-11-29T07:00:05Z") == nil)
    }
}
