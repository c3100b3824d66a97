import Foundation
import AyatCore
import AyatDialects
import AyatStore
import AyatTransport
import Logging
import ServiceLifecycle
import Synchronization

/// Sends stored messages to banks, asks poll banks for results, and turns
/// what comes back into order states.
///
/// It claims due deliveries under a lease, so that several dispatchers (or a
/// restarted one) share the work safely, and resends the exact stored bytes
/// on every attempt. A reply counts only once its signature verifies against
/// the bank's pinned certificate.
public final class Dispatcher: Service, Sendable {
    public struct Settings: Sendable {
        /// The most deliveries one claim takes.
        public var batchSize = 64
        /// The most attempts in flight at once across all banks; each bank's flow limits apply within it.
        public var maxInFlight = 512
        /// How long a claim is ours; a crashed dispatcher's claims come back after it.
        public var leaseDuration: TimeInterval = 60
        /// The longest the loop sleeps when nothing is due.
        public var idlePoll: Duration = .milliseconds(500)
        public init() {}
    }

    private let store: any GatewayStore
    private let banks: BankDirectory
    private let feed: OrderStateFeed
    private let settings: Settings
    private let owner: String
    private let logger: Logger
    private let wake = WakeSignal()
    /// Signs a message again when its signature has aged past what the bank accepts.
    private let intake: OrderIntake?
    /// Flow control per bank: concurrency, rate, circuit breaker.
    public let flows: [BankCode: BankFlow]
    /// New orders' first deliveries, handed over by intake already claimed for us.
    private let handoff: DeliveryHandoff?
    private let handedOver = Mutex<[ClaimedDelivery]>([])

    public init(
        store: any GatewayStore, banks: BankDirectory, feed: OrderStateFeed, settings: Settings = Settings(), logger: Logger,
        intake: OrderIntake? = nil, handoff: DeliveryHandoff? = nil
    ) {
        self.store = store
        self.intake = intake
        self.handoff = handoff
        self.banks = banks
        self.flows = banks.links.mapValues { BankFlow($0.profile.flow) }
        self.feed = feed
        self.settings = settings
        self.owner = LeaseOwner.current.name
        self.logger = logger
    }

    /// Tells the loop that new work may be due now.
    public func nudge() {
        Task { await wake.signal() }
    }

    /// Runs until graceful shutdown; attempts in flight then finish and are recorded.
    ///
    /// A pipeline, not batches: whenever an attempt finishes there is room for
    /// another, and what is due is claimed at once, so one slow bank never holds
    /// back the deliveries claimed beside its own.
    public func run() async throws {
        await reclaimDeadLeases()
        let inFlight = InFlightCount()
        handoff?.connect(.init(
            owner: owner, leaseDuration: settings.leaseDuration,
            hasRoom: { [settings] in inFlight.value < settings.maxInFlight },
            take: { [weak self] claim in
                guard let self else { return }
                inFlight.add(1)
                self.handedOver.withLock { $0.append(claim) }
                self.nudge()
            }
        ))
        defer { handoff?.disconnect() }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                func launch(_ claims: [ClaimedDelivery]) {
                    for claim in claims {
                        group.addTask {
                            await self.attempt(claim)
                            inFlight.add(-1)
                            await self.wake.signal()
                        }
                    }
                }
                while !Task.isCancelled, !(await wake.isStopped) {
                    launch(handedOver.withLock { taken in defer { taken = [] }; return taken })
                    let room = settings.maxInFlight - inFlight.value
                    guard room > 0 else {
                        await wake.wait(timeout: settings.idlePoll)
                        continue
                    }
                    // Most wake-ups are a handed-over order or a finished attempt, with nothing
                    // due in the store: one index probe says so, where a claim would be a write
                    // transaction. Anything due now is claimed at once.
                    let due = await nextDue()
                    let now = Date()
                    if let due, due <= now {
                        let limit = min(room, settings.batchSize)
                        let claims = await claim(now: now, limit: limit)
                        inFlight.add(claims.count)
                        launch(claims)
                        // Nothing claimed although something was due (a failing store, or another
                        // dispatcher was quicker): wait, rather than probe and claim in a loop.
                        if claims.isEmpty { await wake.wait(timeout: settings.idlePoll) }
                        continue
                    }
                    await wake.wait(timeout: Self.sleep(until: due, now: now, atMost: settings.idlePoll))
                }
            }
        } onGracefulShutdown: {
            Task { await self.wake.stop() }
        }
    }

    /// Claims held by a dispatcher on this host whose process is gone (a crash, a SIGKILL)
    /// are due again now, rather than when their lease would have run out.
    func reclaimDeadLeases() async {
        do {
            for owner in try await store.leaseOwners() {
                guard let holder = LeaseOwner(name: owner), holder.isDeadOnThisHost else { continue }
                let released = try await store.releaseLeases(owner: owner)
                logger.notice("reclaimed the deliveries of a dispatcher that is gone", metadata: ["owner": "\(owner)", "deliveries": "\(released)"])
            }
        } catch {
            logger.error("reclaiming leases failed; they will come back when they expire", metadata: ["error": "\(error)"])
        }
    }

    /// When the earliest pending delivery is due; nil when none is pending. A store that cannot
    /// answer counts as "due now", so that the claim, which logs the failure, is still tried.
    private func nextDue() async -> Date? {
        do {
            return try await store.nextDeliveryDue()
        } catch {
            return Date.distantPast
        }
    }

    /// How long to sleep for a delivery due at `due`: at least 5 ms, at most `atMost` (the idle
    /// poll also finds deliveries that another dispatcher's store writes made due).
    static func sleep(until due: Date?, now: Date, atMost: Duration) -> Duration {
        guard let due else { return atMost }
        // Whole microseconds first, so that 0.120 s is 120 ms and not 121, then up to the
        // millisecond: waking early would find nothing due yet. A day bounds the arithmetic.
        let micros = Int64((min(max(due.timeIntervalSince(now), 0.005), 86_400) * 1_000_000).rounded())
        return min(.milliseconds((micros + 999) / 1000), atMost)
    }

    /// Claims what is due and attempts it all concurrently. Returns how many were claimed.
    @discardableResult
    public func dispatchDue(now: Date = Date()) async -> Int {
        let claims = await claim(now: now, limit: settings.batchSize)
        await withTaskGroup(of: Void.self) { group in
            for claim in claims {
                group.addTask { await self.attempt(claim) }
            }
        }
        return claims.count
    }

    private func claim(now: Date, limit: Int) async -> [ClaimedDelivery] {
        do {
            return try await store.claimDueDeliveries(now: now, limit: limit, leaseDuration: settings.leaseDuration, owner: owner)
        } catch {
            logger.error("claiming deliveries failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    private func attempt(_ claim: ClaimedDelivery) async {
        let link = banks[claim.order.bank]
        let outcome: AttemptOutcome
        var breakerNote: String?
        if let link, let flow = flows[claim.order.bank] {
            let probe: Bool
            switch await flow.admit() {
            case .wait(let until):
                await postpone(claim, until: until)
                return
            case .go(let isProbe):
                probe = isProbe
            }
            await flow.acquire()
            outcome = await exchange(claim, over: link)
            await flow.release()
            switch await flow.report(healthy: outcome.bankAnswered, probe: probe) {
            case .opened(let failures, let until):
                breakerNote = "circuit breaker for bank \(claim.order.bank) opened after \(failures) consecutive failure(s); probe at \(Timestamp.format(until))"
                logger.warning("circuit breaker opened", metadata: ["bank": "\(claim.order.bank)", "failures": "\(failures)"])
            case .closed:
                breakerNote = "circuit breaker for bank \(claim.order.bank) closed: the probe succeeded"
                logger.info("circuit breaker closed", metadata: ["bank": "\(claim.order.bank)"])
            case .none:
                if probe { breakerNote = "circuit breaker half-open: this attempt was the probe" }
            }
        } else {
            outcome = .retryable(reason: "no profile for bank \(claim.order.bank)", httpStatus: nil, inbound: nil, reachedBank: false)
        }
        var result = AttemptJudgement(claim: claim, outcome: outcome, profile: link?.profile).result(now: Date())
        if let breakerNote, !result.timeline.isEmpty {
            result.timeline[0].detail = [result.timeline[0].detail, breakerNote].compactMap { $0 }.joined(separator: "; ")
        }
        do {
            let state = try await store.record(result)
            await feed.publish(.init(orderID: claim.order.id, state: state))
            logger.info("delivery attempt", metadata: [
                "order": "\(claim.order.id)", "bank": "\(claim.order.bank)", "message": "\(claim.messageID)",
                "purpose": "\(claim.purpose)", "attempt": "\(claim.attempt)", "outcome": "\(outcome.label)", "state": "\(state)",
            ])
        } catch {
            // The lease will expire and the same bytes will be sent again; the bank deduplicates.
            logger.error("recording an attempt failed", metadata: ["order": "\(claim.order.id)", "error": "\(error)"])
        }
    }

    /// The stored message, or, when its signature has aged past most of what the bank
    /// accepts (a JWS `iat`), the same message id signed again now and stored beside it.
    private func fresh(_ claim: ClaimedDelivery, link: BankLink) async -> StoredMessage {
        guard let lifetime = link.codec.signatureLifetime, let intake,
              Date().timeIntervalSince(claim.message.recordedAt) > lifetime * 0.8 else { return claim.message }
        do {
            guard let resigned = try intake.resign(claim.order, messageID: claim.messageID, now: Date()) else { return claim.message }
            try await store.replaceMessage(of: claim.messageID, with: resigned, caseID: claim.order.caseID)
            logger.notice("re-signed an aged message", metadata: ["order": "\(claim.order.id)", "message": "\(claim.messageID)"])
            return resigned
        } catch {
            logger.error("re-signing an aged message failed; sending the stored one", metadata: ["order": "\(claim.order.id)", "error": "\(error)"])
            return claim.message
        }
    }

    /// Puts a delivery back untried while the bank's circuit is open.
    private func postpone(_ claim: ClaimedDelivery, until: Date) async {
        // A little jitter so that a backlog does not stampede the bank when it reopens.
        let due = until.addingTimeInterval(Double.random(in: 0...0.05))
        let entry = TimelineEntry(
            at: Date(), state: claim.state, event: "deferred", attempt: nil, outcome: "circuit-open",
            messageIDs: [claim.messageID], detail: "circuit breaker for bank \(claim.order.bank) is open; next try \(Timestamp.format(due))"
        )
        let result = AttemptResult(messageID: claim.messageID, orderID: claim.order.id, leaseOwner: claim.leaseOwner, newState: nil,
                                   timeline: [entry], inbound: [], next: .deferred(until: due))
        do { try await store.record(result) } catch {
            logger.error("deferring a delivery failed", metadata: ["order": "\(claim.order.id)", "error": "\(error)"])
        }
    }

    /// One HTTP exchange with the bank (sending the order, or polling for its result), judged.
    private func exchange(_ claim: ClaimedDelivery, over link: BankLink) async -> AttemptOutcome {
        let request: HTTPRequestLine
        let response: BankResponse
        do {
            switch claim.purpose {
            case .send:
                request = link.orderRequest
                let message = await fresh(claim, link: link)
                response = try await link.client.post(
                    link.profile.endpoint, body: message.bytes, contentType: message.contentType,
                    headers: message.headers
                )
            case .poll:
                guard let url = link.statusURL(for: claim.messageID) else {
                    return .retryable(reason: "profile has no ack.statusEndpoint to poll", httpStatus: nil, inbound: nil, reachedBank: false)
                }
                request = HTTPRequestLine(method: "GET", path: URL(string: url)?.path ?? "/")
                response = try await link.client.get(url)
            }
        } catch {
            return .retryable(reason: "transport: \(error)", httpStatus: nil, inbound: nil, reachedBank: false)
        }
        let received = Date()
        var inbound = StoredMessage(
            messageID: nil, orderID: claim.order.id, direction: .inbound, bank: claim.order.bank,
            dialect: link.codec.dialect.rawValue, kind: "reply",
            contentType: response.header("Content-Type") ?? "application/octet-stream",
            recordedAt: received, bytes: response.body, headers: response.signatureHeaders, requestLine: request.description
        )
        let retryAfter = RetrySchedule.parseRetryAfter(response.header("Retry-After"), now: received)

        // A verified signed reply decides, whatever the HTTP status says.
        var verificationFailure: String?
        if !response.body.isEmpty {
            do {
                let reply = try link.codec.readReply(response.body, headers: response.headerDictionary, request: request, at: received)
                inbound.messageID = reply.messageID
                inbound.kind = reply.kind
                guard reply.originalMessageID == claim.messageID, reply.bank == claim.order.bank else {
                    logger.warning("bank reply refers to another message", metadata: ["order": "\(claim.order.id)", "bank": "\(claim.order.bank)"])
                    return .retryable(reason: "reply answers message \(reply.originalMessageID) of bank \(reply.bank), not \(claim.messageID)",
                                      httpStatus: response.status, inbound: inbound, reachedBank: true, flagged: true)
                }
                return .replied(reply, httpStatus: response.status, inbound: inbound)
            } catch {
                verificationFailure = "\(error)"
            }
        }

        switch response.status {
        case 200..<300:
            // A success status with a body we cannot verify is not an acknowledgement.
            let reason = "reply not accepted: \(verificationFailure ?? "empty body")"
            logger.warning("bank reply failed verification", metadata: ["order": "\(claim.order.id)", "bank": "\(claim.order.bank)", "reason": "\(reason)"])
            return .retryable(reason: reason, httpStatus: response.status, inbound: inbound, reachedBank: true, flagged: true)
        case 408, 425, 429, 500...599:
            return .retryable(reason: "bank answered HTTP \(response.status)", httpStatus: response.status,
                              inbound: inbound, reachedBank: true, retryAfter: retryAfter)
        default:
            logger.warning("bank refused the message", metadata: ["order": "\(claim.order.id)", "bank": "\(claim.order.bank)", "status": "\(response.status)"])
            return .permanent(reason: "bank answered HTTP \(response.status) without a signed reply", httpStatus: response.status, inbound: inbound)
        }
    }
}

/// Attempts the dispatcher has running, shared with the tasks that finish them.
private final class InFlightCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add(_ delta: Int) { count.withLock { $0 += delta } }
}
