import Testing
@testable import AyatBench

/// The floors the bench suite states: an order's signatures and HTTP exchanges, and the order
/// rate two cores could carry doing nothing else.
@Suite("What every order costs")
struct OrderWorkTests {
    @Test("a bank that answers with the result in its reply costs one signature and one exchange fewer")
    func countsByAckMode() {
        #expect(OrderWork(ackMode: "sync").signatures == 2)
        #expect(OrderWork(ackMode: "sync").bankExchanges == 1)
        for mode in ["callback", "poll"] {
            #expect(OrderWork(ackMode: mode).signatures == 3, "\(mode)")
            #expect(OrderWork(ackMode: mode).bankExchanges == 2, "\(mode)")
        }
    }

    @Test("the ceiling counts every signature, its verification and every exchange, on two cores")
    func ceiling() throws {
        var reference = BenchSuite.Reference()
        reference.openssl = OpenSSLSpeed(version: "test", rates: ["rsa2048": [1: .init(sign: 4_000, verify: 80_000)]])
        reference.transport = [
            .http: .init(link: .http, exchanges: 1, seconds: 1, cpuPerExchange: 0.000_1),
            .mutualTLS: .init(link: .mutualTLS, exchanges: 1, seconds: 1, cpuPerExchange: 0.000_2),
        ]
        // sync: 2 × (1/4000 + 1/80000) s of signing, 0.1 + 0.2 ms of exchanges → 0.825 ms an order.
        let sync = try #require(reference.signatureAndTransportCeiling(algorithm: "rsa2048", ackMode: "sync"))
        #expect(abs(sync - 2 / 0.000_825) < 0.01)
        // callback: 3 signatures and a second mTLS exchange → 0.7875 + 0.5 = 1.2875 ms.
        let callback = try #require(reference.signatureAndTransportCeiling(algorithm: "rsa2048", ackMode: "callback"))
        #expect(abs(callback - 2 / 0.001_287_5) < 0.01)
        #expect(abs(try #require(reference.transportCeiling(ackMode: "sync")) - 2 / 0.000_3) < 0.01)
        // Without a measured rate there is no floor to state.
        #expect(reference.signatureAndTransportCeiling(algorithm: "ecdsap256", ackMode: "sync") == nil)
        #expect(BenchSuite.Reference().signatureAndTransportCeiling(algorithm: "rsa2048", ackMode: "sync") == nil)
    }
}
