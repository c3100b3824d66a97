import AsyncHTTPClient
import Foundation
import AyatCore
import AyatDialects

/// What a simulated bank does with one request, decided before it reads it.
struct RequestPlan: Sendable {
    enum Fate: Sendable, Hashable {
        /// Answer normally, damaging the reply if asked.
        case answer(damage: SimulatorFaults.Damage?)
        /// 503 with `Retry-After: 0` (the older `unavailableForRequests` switch).
        case unavailable
        /// Down: 503 without `Retry-After`.
        case down
        /// Close the connection without answering.
        case drop
        /// Reset the connection (TCP RST) without answering.
        case reset
        /// Hold the request this many seconds, then close it unanswered.
        case hang(seconds: Double)
        /// An HTTP error instead of a reply.
        case error(status: Int, retryAfter: Int?)
    }
    var latency: Duration
    var fate: Fate
}

/// The simulator's mutable switches, counters and signed results.
actor SimulatorState {
    private var faults: SimulatorFaults
    private var random: SeededRandom
    /// When a `down.seconds` outage ends.
    private var downUntil: Date?
    private(set) var requests = 0
    private(set) var polls = 0
    private(set) var injected: [String: Int] = [:]
    private(set) var callbacksSent = 0
    private(set) var callbacksAccepted = 0
    private(set) var callbackURL: String?
    /// The callback sender's client while it runs (a result sent before the receipt uses it directly).
    private(set) var callbackClient: HTTPClient?
    /// A reply is signed once per request line and sent identically on every poll or callback retry.
    private var signedReplies: [SignedReplyKey: RenderedMessage] = [:]

    struct SignedReplyKey: Hashable {
        let id: MessageID
        let kind: String
        let request: HTTPRequestLine
    }

    private(set) var callbackRefusals = 0
    private var refusalWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(faults: SimulatorFaults = SimulatorFaults()) {
        self.faults = faults
        self.random = SeededRandom(seed: faults.seed ?? 1)
        self.downUntil = faults.down?.seconds.map { Date().addingTimeInterval($0) }
    }

    /// Replaces every fault; `down.seconds` counts from now, and the generator restarts from the seed.
    func setFaults(_ faults: SimulatorFaults, now: Date = Date()) {
        self.faults = faults
        random = SeededRandom(seed: faults.seed ?? 1)
        downUntil = faults.down?.seconds.map { now.addingTimeInterval($0) }
    }

    /// The faults now in force: counted faults show what is left of them.
    func currentFaults() -> SimulatorFaults { faults }
    var outageEnds: Date? { downUntil }
    func setCallbackURL(_ url: String) { callbackURL = url }
    func setCallbackClient(_ client: HTTPClient?) { callbackClient = client }

    func record(_ kind: String) { injected[kind, default: 0] += 1 }

    /// Counts the request and decides its fate.
    func nextRequest(isPoll: Bool = false, now: Date = Date()) -> RequestPlan {
        requests += 1
        if isPoll { polls += 1 }
        var latency = Duration.zero
        if let delay = faults.latency {
            let jitter = delay.jitterMs > 0 ? Int(random.next() % UInt64(delay.jitterMs + 1)) : 0
            let total = delay.fixedMs + jitter
            if total > 0 {
                latency = .milliseconds(total)
                record("latency")
            }
        }
        return RequestPlan(latency: latency, fate: fate(now: now))
    }

    private func fate(now: Date) -> RequestPlan.Fate {
        if faults.unavailableForRequests > 0 {
            faults.unavailableForRequests -= 1
            record("unavailable")
            return .unavailable
        }
        if let down = faults.down {
            if let left = down.requests, left > 0 {
                faults.down?.requests = left - 1
                record("down")
                return .down
            }
            if let until = downUntil, now < until {
                record("down")
                return .down
            }
        }
        if var drop = faults.drop, hits(&drop.next, drop.rate) {
            faults.drop = drop.next == 0 ? nil : drop
            record("drop")
            return .drop
        }
        if var reset = faults.reset, hits(&reset.next, reset.rate) {
            faults.reset = reset.next == 0 ? nil : reset
            record("reset")
            return .reset
        }
        if var hang = faults.hang, hits(&hang.next, hang.rate) {
            faults.hang = hang.next == 0 ? nil : hang
            record("hang")
            return .hang(seconds: hang.seconds)
        }
        if var errors = faults.errors, hits(&errors.next, errors.rate) {
            faults.errors = errors.next == 0 ? nil : errors
            record("error-\(errors.status)")
            return .error(status: errors.status, retryAfter: errors.retryAfter)
        }
        if var reply = faults.reply, hits(&reply.next, reply.rate) {
            faults.reply = reply.next == 0 ? nil : reply
            record(reply.damage.rawValue)
            return .answer(damage: reply.damage)
        }
        if faults.corruptReceiptSignature {
            record(SimulatorFaults.Damage.brokenSignature.rawValue)
            return .answer(damage: .brokenSignature)
        }
        return .answer(damage: nil)
    }

    /// Whether a fault hits this request: counted down, drawn, or always.
    private func hits(_ next: inout Int?, _ rate: Double?) -> Bool {
        if let left = next {
            guard left > 0 else { return false }
            next = left - 1
            return true
        }
        if let rate { return random.nextUnit() < rate }
        return true
    }

    /// How the next callback goes out: its extra delay, whether it precedes the receipt, is sent twice, is damaged.
    func callbackPlan() -> (delay: Double, beforeReceipt: Bool, duplicate: Bool) {
        let callbacks = faults.callbacks
        let delay = callbacks?.delay ?? 0
        if delay > 0 { record("callback-late") }
        let before = callbacks?.beforeReceipt ?? false
        if before { record("callback-before-receipt") }
        return (delay, before, callbacks?.duplicate ?? false)
    }

    /// The damage to do to a callback now being sent, counted.
    func callbackDamage() -> SimulatorFaults.Damage? {
        callbacksSent += 1
        let damage = faults.callbacks?.damage ?? (faults.corruptCallbackSignature ? .brokenSignature : nil)
        if let damage { record("callback-\(damage.rawValue)") }
        return damage
    }

    func recordCallbackAccepted() { callbacksAccepted += 1 }

    func recordCallbackRefusal() {
        callbackRefusals += 1
        let ready = refusalWaiters.filter { $0.count <= callbackRefusals }
        refusalWaiters.removeAll { $0.count <= callbackRefusals }
        for waiter in ready { waiter.continuation.resume() }
    }

    func waitForCallbackRefusals(_ count: Int) async {
        if callbackRefusals >= count { return }
        await withCheckedContinuation { refusalWaiters.append((count, $0)) }
    }

    func signedReply(for id: MessageID, said: BankReply, request: HTTPRequestLine, sign: @Sendable () throws -> RenderedMessage) throws -> RenderedMessage {
        let key = SignedReplyKey(id: id, kind: said.kind, request: request)
        if let signed = signedReplies[key] { return signed }
        let signed = try sign()
        signedReplies[key] = signed
        return signed
    }
}

/// SplitMix64: a small generator with a seed, so that a scenario's random faults repeat exactly.
struct SeededRandom: Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
