import Foundation
import Testing
import AyatCore
import AyatJOSE
import AyatPKI
@testable import AyatDialects

/// The replay rule: same id + same body = the same message (accepted again);
/// same id + different body inside the window = a replay (refused as `.replay`).
@Suite struct JWSReplayTests {
    @Test(arguments: JSONProfile.allCases)
    func anIdenticalResendIsAccepted(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let reply = BankReply.receipt(JSONFixtures.sampleReceipt())
        let message = try pair.bank.renderReply(reply, request: JSONFixtures.orderLine)
        for _ in 0..<3 {
            #expect(try pair.gateway.readReply(message.bytes, headers: message.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now) == reply)
        }
        // Signed again (a new PSS/ECDSA signature, or for jws-header another request line): same body, same message.
        let again = try pair.bank.renderReply(reply, request: HTTPRequestLine(method: "GET", path: "/results/1"))
        #expect(again.headers[profile.signatureHeader] != message.headers[profile.signatureHeader])
        #expect(try pair.gateway.readReply(again.bytes, headers: again.headers, request: HTTPRequestLine(method: "GET", path: "/results/1"), at: JSONFixtures.now) == reply)
    }

    @Test(arguments: JSONProfile.allCases)
    func aDifferentMessageReusingAMessageIDIsAReplay(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let id = MessageID.generate(prefix: "B014")
        let first = try pair.bank.renderReply(.receipt(JSONFixtures.sampleReceipt(messageID: id, status: .accepted)), request: JSONFixtures.orderLine)
        let second = try pair.bank.renderReply(.receipt(JSONFixtures.sampleReceipt(messageID: id, status: .rejected)), request: JSONFixtures.orderLine)
        _ = try pair.gateway.readReply(first.bytes, headers: first.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now)
        JSONFixtures.expectRefusal(.replay, mentioning: id.rawValue) {
            _ = try pair.gateway.readReply(second.bytes, headers: second.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now.addingTimeInterval(10))
        }
        // Orders too, at the bank.
        var instruction = JSONFixtures.instruction()
        let order = try pair.gateway.renderOrder(instruction, request: JSONFixtures.orderLine)
        _ = try pair.bank.readOrder(order.bytes, headers: order.headers, request: JSONFixtures.orderLine, at: instruction.createdAt)
        instruction.legalBasis = "another basis"
        let reused = try pair.gateway.renderOrder(instruction, request: JSONFixtures.orderLine)
        JSONFixtures.expectRefusal(.replay) {
            _ = try pair.bank.readOrder(reused.bytes, headers: reused.headers, request: JSONFixtures.orderLine, at: instruction.createdAt)
        }
    }

    @Test func identicalResendsCanBeRefusedWhenTheCallerAsks() throws {
        let pair = try JSONCodecPair(.detached, refuseIdenticalResends: true)
        let message = try pair.bank.renderReply(.receipt(JSONFixtures.sampleReceipt()), request: JSONFixtures.orderLine)
        _ = try pair.gateway.readReply(message.bytes, headers: message.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now)
        JSONFixtures.expectRefusal(.replay, mentioning: "identical resend") {
            _ = try pair.gateway.readReply(message.bytes, headers: message.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now)
        }
    }

    @Test(arguments: JSONProfile.allCases)
    func aForgeryDoesNotReserveAMessageID(_ profile: JSONProfile) throws {
        let pair = try JSONCodecPair(profile)
        let impostor = try JSONCodecPair(profile, fresh: true)
        let id = MessageID.generate(prefix: "B014")
        let forged = try impostor.bank.renderReply(.receipt(JSONFixtures.sampleReceipt(messageID: id, status: .rejected)), request: JSONFixtures.orderLine)
        JSONFixtures.expectRefusal(.signatureInvalid) {
            _ = try pair.gateway.readReply(forged.bytes, headers: forged.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now)
        }
        let genuine = try pair.bank.renderReply(.receipt(JSONFixtures.sampleReceipt(messageID: id, status: .accepted)), request: JSONFixtures.orderLine)
        _ = try pair.gateway.readReply(genuine.bytes, headers: genuine.headers, request: JSONFixtures.orderLine, at: JSONFixtures.now)
    }

    @Test func theCacheForgetsAfterItsWindowAndBeyondItsCapacity() {
        let cache = JWSReplayCache(window: 60, capacity: 3)
        let t0 = JSONFixtures.now
        #expect(cache.observe(messageID: "m1", sender: "014", digest: [1], at: t0) == .new)
        #expect(cache.observe(messageID: "m1", sender: "014", digest: [1], at: t0.addingTimeInterval(1)) == .identicalResend)
        #expect(cache.observe(messageID: "m1", sender: "014", digest: [2], at: t0.addingTimeInterval(2)) == .conflicting(firstSeen: t0))
        #expect(cache.observe(messageID: "m1", sender: "025", digest: [2], at: t0.addingTimeInterval(2)) == .new, "ids are per sender")
        #expect(cache.observe(messageID: "m1", sender: "014", digest: [2], at: t0.addingTimeInterval(61)) == .new, "window passed")
        for index in 0..<10 {
            _ = cache.observe(messageID: "x\(index)", sender: "014", digest: [0], at: t0.addingTimeInterval(62))
        }
        #expect(cache.count == 3)
        #expect(cache.observe(messageID: "x9", sender: "014", digest: [1], at: t0.addingTimeInterval(62)) == .conflicting(firstSeen: t0.addingTimeInterval(62)))
        #expect(cache.observe(messageID: "x0", sender: "014", digest: [1], at: t0.addingTimeInterval(62)) == .new, "evicted as the oldest")
    }

    @Test func theCacheIsSafeToShareBetweenThreads() async {
        let cache = JWSReplayCache()
        let news = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var fresh = 0
                    for index in 0..<500 where cache.observe(messageID: "m\(index)", sender: "014", digest: [UInt8(worker % 2)], at: JSONFixtures.now) == .new {
                        fresh += 1
                    }
                    return fresh
                }
            }
            return await group.reduce(0, +)
        }
        #expect(news == 500, "each id is new exactly once")
        #expect(cache.count == 500)
    }
}
