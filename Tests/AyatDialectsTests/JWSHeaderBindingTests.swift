import Foundation
import Testing
import AyatCore
import AyatJOSE
import AyatPKI
@testable import AyatDialects

/// `jws-header` binds the request and the parties; a signed message moved anywhere else is refused.
@Suite struct JWSHeaderBindingTests {
    let lineA = HTTPRequestLine(method: "POST", path: "/a")

    func order(_ pair: JSONCodecPair) throws -> (OrderInstruction, RenderedMessage) {
        let instruction = JSONFixtures.instruction()
        return (instruction, try pair.gateway.renderOrder(instruction, request: lineA))
    }

    @Test(arguments: [SigningKeyAlgorithm.rsa2048, .p256])
    func aMessageRenderedForOnePathIsRefusedOnAnother(_ keys: SigningKeyAlgorithm) throws {
        let pair = try JSONCodecPair(.header, keys: keys)
        let (instruction, message) = try order(pair)
        JSONFixtures.expectRefusal(.bindingMismatch, mentioning: "FSPIOP-URI: signed for \"/a\", but the request's path is \"/b\"") {
            _ = try pair.bank.readOrder(message.bytes, headers: message.headers, request: HTTPRequestLine(method: "POST", path: "/b"), at: instruction.createdAt)
        }
        #expect(try pair.bank.readOrder(message.bytes, headers: message.headers, request: lineA, at: instruction.createdAt) == instruction)
    }

    @Test func aMessageRenderedForOneMethodIsRefusedUnderAnother() throws {
        let pair = try JSONCodecPair(.header)
        let (instruction, message) = try order(pair)
        JSONFixtures.expectRefusal(.bindingMismatch, mentioning: "FSPIOP-HTTP-Method") {
            _ = try pair.bank.readOrder(message.bytes, headers: message.headers, request: HTTPRequestLine(method: "PUT", path: "/a"), at: instruction.createdAt)
        }
    }

    @Test func aReplyReplayedAgainstAnotherURIIsRefused() throws {
        let pair = try JSONCodecPair(.header)
        let reply = try pair.bank.renderReply(.receipt(JSONFixtures.sampleReceipt()), request: HTTPRequestLine(method: "GET", path: "/results/1"))
        JSONFixtures.expectRefusal(.bindingMismatch, mentioning: "FSPIOP-URI") {
            _ = try pair.gateway.readReply(reply.bytes, headers: reply.headers, request: HTTPRequestLine(method: "GET", path: "/results/2"), at: JSONFixtures.now)
        }
    }

    @Test func aSourceOtherThanTheSenderIsRefused() throws {
        let pair = try JSONCodecPair(.header)
        let (instruction, message) = try order(pair)
        let forged = try jsonResign(message, .header, identity: pair.gatewayIdentity) { $0["FSPIOP-Source"] = "OTHERCENTRE" }
        var headers = forged.headers
        headers[JWSHeaderCodec.sourceHeader] = "OTHERCENTRE"
        JSONFixtures.expectRefusal(.bindingMismatch, mentioning: "FSPIOP-Source: signed for \"OTHERCENTRE\", but the message's sender") {
            _ = try pair.bank.readOrder(forged.bytes, headers: headers, request: lineA, at: instruction.createdAt)
        }
        // The plain routing header must agree with the signed one.
        var plain = message.headers
        plain[JWSHeaderCodec.sourceHeader] = "OTHERCENTRE"
        JSONFixtures.expectRefusal(.bindingMismatch, mentioning: "fspiop-source") {
            _ = try pair.bank.readOrder(message.bytes, headers: plain, request: lineA, at: instruction.createdAt)
        }
    }

    @Test func aDestinationOtherThanTheAddresseeIsRefused() throws {
        let pair = try JSONCodecPair(.header)
        let (instruction, message) = try order(pair)
        let forged = try jsonResign(message, .header, identity: pair.gatewayIdentity) { $0["FSPIOP-Destination"] = "025" }
        var headers = forged.headers
        headers[JWSHeaderCodec.destinationHeader] = "025"
        JSONFixtures.expectRefusal(.misaddressed, mentioning: "FSPIOP-Destination") {
            _ = try pair.bank.readOrder(forged.bytes, headers: headers, request: lineA, at: instruction.createdAt)
        }
    }

    @Test(arguments: JSONProfile.allCases)
    func aMessageForAnotherPartyIsRefusedWhenWeKnowWhoWeAre(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile, bankLocalParty: "025")
        let instruction = JSONFixtures.instruction()
        let message = try pair.gateway.renderOrder(instruction, request: lineA)
        JSONFixtures.expectRefusal(.misaddressed) {
            _ = try pair.bank.readOrder(message.bytes, headers: message.headers, request: lineA, at: instruction.createdAt)
        }
        let ours = try JSONCodecPair(profile, bankLocalParty: "014")
        let accepted = try ours.gateway.renderOrder(instruction, request: lineA)
        #expect(try ours.bank.readOrder(accepted.bytes, headers: accepted.headers, request: lineA, at: instruction.createdAt) == instruction)
    }

    @Test func theSignatureHeaderMustBeTheMojaloopObject() throws {
        let pair = try JSONCodecPair(.header)
        let (instruction, message) = try order(pair)
        let value = message.headers[JWSHeaderCodec.signatureHeader]!
        let token = try JWSHeaderCodec.detachedToken(value)
        for bad in [token, "{\"signature\":\"x\"}", "{\"signature\":\"x\",\"protectedHeader\":\"y\",\"kid\":\"z\"}", "not json"] {
            var headers = message.headers
            headers[JWSHeaderCodec.signatureHeader] = bad
            JSONFixtures.expectRefusal(.signatureInvalid, mentioning: JWSHeaderCodec.signatureHeader) {
                _ = try pair.bank.readOrder(message.bytes, headers: headers, request: lineA, at: instruction.createdAt)
            }
        }
    }
}
