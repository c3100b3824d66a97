import AyatCore
import AyatJOSE
import Foundation
import NIOCore

/// Drives the gateway's HTTP API as a case system would: freeze orders, each with its own
/// Idempotency-Key, either closed-loop (a fixed number of requests in flight) or open-loop
/// (requests sent on a fixed schedule, whatever the gateway's pace, and timed from when they
/// were due, so a slow gateway cannot hide its queueing).
struct LoadGenerator: Sendable {
    enum Shape: Sendable {
        case closed(concurrency: Int)
        case open(ratePerSecond: Double)
    }

    let banks: Int
    let tracker: OrderTracker
    let runID = String(UUID().uuidString.prefix(8))

    func run(orders: Int, shape: Shape, firstSequence: Int = 0, connections: LeanConnectionPool) async {
        let now = Date()
        switch shape {
        case .closed(let concurrency):
            let workers = max(1, min(concurrency, orders))
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var sequence = worker
                        while sequence < orders {
                            await submit(firstSequence + sequence, due: .now, now: now, connections: connections)
                            sequence += workers
                        }
                    }
                }
            }
        case .open(let rate):
            let clock = ContinuousClock()
            let start = clock.now
            await withTaskGroup(of: Void.self) { group in
                for sequence in 0..<orders {
                    let due = start + .seconds(Double(sequence) / rate)
                    if due > clock.now { try? await clock.sleep(until: due) }
                    group.addTask { await submit(firstSequence + sequence, due: due, now: now, connections: connections) }
                }
            }
        }
    }

    private func submit(_ sequence: Int, due: ContinuousClock.Instant, now: Date, connections: LeanConnectionPool) async {
        let headers = [("Content-Type", "application/json"), ("Idempotency-Key", "bench-\(runID)-\(sequence)")]
        let body = ByteBuffer(string: BenchBanks.orderBody(sequence: sequence, banks: banks, now: now))
        do {
            let response = try await connections.exchange(.POST, "/v1/orders", headers: headers, body: body)
            guard response.status == 202, let id = Self.orderID(in: Array(response.body.readableBytesView)) else {
                await tracker.apiFailed()
                return
            }
            await tracker.submitted(id, at: due)
        } catch {
            await tracker.apiFailed()
        }
    }

    /// The `id` member of the API's reply.
    static func orderID(in body: [UInt8]) -> OrderID? {
        guard let id = (try? JSONObject.parse(body))?["id"]?.stringValue else { return nil }
        return OrderID(rawValue: id)
    }
}
