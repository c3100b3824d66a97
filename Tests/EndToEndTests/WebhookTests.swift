import Foundation
import Hummingbird
import Logging
import Testing
import AyatCore
import AyatDelivery
import AyatSandbox

/// Telling the case system: Standard Webhooks signed with the endpoint's
/// secret, checked here by an independent HMAC in Python, delivered in order
/// after the receiver has been failing, and the same events in the pull feed.
@Suite struct WebhookTests {
    /// A case system's webhook endpoint that refuses the first `failures` deliveries.
    actor Receiver {
        struct Delivery: Sendable {
            var headers: [String: String]
            var body: [UInt8]
        }
        private(set) var taken = [Delivery]()
        private(set) var refused = 0
        let failures: Int
        private var waiters = [(count: Int, continuation: CheckedContinuation<Void, Never>)]()
        init(failures: Int) { self.failures = failures }

        func receive(_ delivery: Delivery) -> Bool {
            if refused < failures {
                refused += 1
                return false
            }
            taken.append(delivery)
            let ready = waiters.filter { $0.count <= taken.count }
            waiters.removeAll { $0.count <= taken.count }
            for waiter in ready { waiter.continuation.resume() }
            return true
        }

        /// Returns once `count` deliveries have been taken.
        func waitFor(_ count: Int) async {
            if taken.count >= count { return }
            await withCheckedContinuation { waiters.append((count, $0)) }
        }
    }

    @Test func webhooksAreSignedDeliveredInOrderAfterFailuresAndMatchTheFeed() async throws {
        let secret = StandardWebhookSignature.generateSecret()
        let receiver = Receiver(failures: 3)
        let router = Router()
        router.post("/hooks") { request, _ -> Response in
            var request = request
            let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            var headers = [String: String]()
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let ok = await receiver.receive(.init(headers: headers, body: body))
            return Response(status: ok ? .noContent : .serviceUnavailable)
        }
        let port = PortPromise()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { await port.fulfil($0.localAddress?.port ?? 0) }, logger: testLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            let receiverPort = try await port.value
            try await withDeployment { deployment in
                let sender = WebhookSender(
                    store: deployment.gateway.store, url: "http://127.0.0.1:\(receiverPort)/hooks",
                    signature: try StandardWebhookSignature(secret: secret), feed: deployment.gateway.feed, logger: testLogger,
                    schedule: RetrySchedule(initialDelay: 0.02, maxDelay: 0.05)
                )
                let sending = Task { try await sender.run() }
                defer { sending.cancel() }

                var ids = [OrderID]()
                for (bank, number, holder) in [("014", "1409912345", "วิภาวดี ศรีสุข"), ("006", "0061122334", "อรุณี รุ่งเรือง")] {
                    let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(bank: bank, number: number, holder: holder, amount: "500.00", caseID: "TH-CASE-HOOKS"))
                    ids.append(OrderID(rawValue: try #require(reply.json["id"] as? String)))
                }
                for id in ids { try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal } }
                let feed = try await get(deployment, "/v1/events?limit=1000").json["events"] as? [[String: Any]] ?? []
                let feedIDs = feed.compactMap { $0["id"] as? String }
                #expect(feed.filter { $0["type"] as? String == "order.executed" }.count == 2)

                // Wait until the receiver has every event the feed has (or fail after a while).
                try await withThrowingTaskGroup(of: Bool.self) { wait in
                    wait.addTask { await receiver.waitFor(feedIDs.count); return true }
                    wait.addTask { try await Task.sleep(for: .seconds(20)); return false }
                    let arrived = try await wait.next() ?? false
                    wait.cancelAll()
                    let count = await receiver.taken.count
                    #expect(arrived, "the receiver got \(count) of \(feedIDs.count) events")
                }
                let taken = await receiver.taken
                #expect(await receiver.refused == 3, "the receiver failed three times first")
                #expect(taken.compactMap { $0.headers["webhook-id"] } == feedIDs, "every event, in feed order, once each")

                // Per order, the webhook bodies tell the states in the order they happened.
                for id in ids {
                    let types = taken.compactMap { delivery -> String? in
                        let object = (try? JSONSerialization.jsonObject(with: Data(delivery.body))) as? [String: Any]
                        guard (object?["data"] as? [String: Any])?["orderId"] as? String == id.rawValue else { return nil }
                        return object?["type"] as? String
                    }
                    #expect(types.first == "order.accepted")
                    #expect(types.last == "order.executed")
                }
                try verifyWithPython(taken, secret: secret)
            }
            group.cancelAll()
        }
    }

    /// Recomputes every signature with Python's hmac module: the Standard Webhooks scheme, written independently.
    func verifyWithPython(_ deliveries: [Receiver.Delivery], secret: String) throws {
        guard let python = ExternalTool.require("python3") else { return }
        let records = deliveries.map { delivery -> [String: String] in
            ["id": delivery.headers["webhook-id"] ?? "", "timestamp": delivery.headers["webhook-timestamp"] ?? "",
             "signature": delivery.headers["webhook-signature"] ?? "", "body": Data(delivery.body).base64EncodedString()]
        }
        let input = try JSONSerialization.data(withJSONObject: ["secret": secret, "deliveries": records])
        let script = """
            import base64, hashlib, hmac, json, sys, time
            data = json.load(sys.stdin)
            key = base64.b64decode(data["secret"][len("whsec_"):])
            bad = 0
            for d in data["deliveries"]:
                body = base64.b64decode(d["body"])
                signed = d["id"].encode() + b"." + d["timestamp"].encode() + b"." + body
                expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
                offered = [s.split(",", 1)[1] for s in d["signature"].split(" ") if s.startswith("v1,")]
                if not any(hmac.compare_digest(expected, o) for o in offered) or abs(time.time() - int(d["timestamp"])) > 300:
                    bad += 1
            print(f"{len(data['deliveries'])} {bad}")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: PipeReading.all(stdout.fileHandleForReading), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(deliveries.count) 0", "python: \(output)")
    }

    @Test func theFeedRefusesABadCursor() async throws {
        try await withDeployment { deployment in
            let reply = try await get(deployment, "/v1/events?after=yesterday")
            #expect(reply.status == 400)
            #expect(reply.json["type"] as? String == "urn:ayat:problem:invalid-cursor")
        }
    }
}
