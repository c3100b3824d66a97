import Foundation
import Testing
import AyatCore
import X509
@testable import AyatDialects

/// The auditor's signature-only check of JSON-dialect messages (`ayat verify`,
/// `ayat audit verify`): pinned certificate, valid at the time of the message.
@Suite struct JWSSignatureCheckTests {
    static func instructionNow() -> OrderInstruction {
        var instruction = JSONFixtures.instruction()
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        instruction.createdAt = now
        return instruction
    }

    @Test(arguments: [JSONProfile.detached, .detachedUnencoded, .header])
    func aRenderedMessageVerifiesOnlyAgainstItsSignerWhileTheCertificateIsValid(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let instruction = Self.instructionNow()
        let message = try pair.gateway.renderOrder(instruction, request: JSONFixtures.orderLine)
        let dialect = DialectName(rawValue: profile == .header ? "jws-header" : "jws-detached")
        let line = JSONFixtures.orderLine.description
        func check(_ pinned: [Certificate], at time: Date, line: String? = line) throws {
            try DialectRegistry.verifySignature(dialect: dialect, bytes: message.bytes, headers: message.headers,
                                                requestLine: line, pinned: pinned, at: time)
        }
        try check([pair.gatewayIdentity.certificate], at: instruction.createdAt)
        #expect(throws: DialectError.self) { try check([pair.bankIdentity.certificate], at: instruction.createdAt) }
        #expect(throws: DialectError.self) {
            try check([pair.gatewayIdentity.certificate], at: pair.gatewayIdentity.certificate.notValidAfter.addingTimeInterval(60))
        }
        var tampered = message.bytes
        tampered[tampered.count / 2] ^= 0x01
        #expect(throws: DialectError.self) {
            try DialectRegistry.verifySignature(dialect: dialect, bytes: tampered, headers: message.headers,
                                                requestLine: line, pinned: [pair.gatewayIdentity.certificate], at: instruction.createdAt)
        }
        if profile == .header {
            #expect(throws: DialectError.self) { try check([pair.gatewayIdentity.certificate], at: instruction.createdAt, line: "POST /elsewhere") }
        }
    }
}
