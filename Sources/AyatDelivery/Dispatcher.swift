import Foundation
import AyatCore
import AyatDialects
import AyatStore
import AyatTransport
import Logging
import ServiceLifecycle

/// Sends stored messages to banks and turns what comes back into order states.
///
/// It claims due deliveries under a lease, so that several dispatchers (or a
/// restarted one) share the work safely, and resends the exact stored bytes
/// on every attempt. A reply counts as an acknowledgement only once its
/// signature verifies against the bank's pinned certificate.
public final class Dispatcher: Service, Sendable {
    public struct Settings: Sendable {
        /// How many deliveries one claim takes.
        public var batchSize = 64
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

    public init(store: any GatewayStore, banks: BankDirectory, feed: OrderStateFeed, settings: Settings = Settings(), logger: Logger) {
        self.store = store
        self.banks = banks
        self.feed = feed
        self.settings = settings
        self.owner = "dispatcher-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        self.logger = logger
    }

    /// Tells the loop that new work may be due now.
    public func nudge() {
        Task { await wake.signal() }
    }

    /// Runs until graceful shutdown; attempts in flight then finish and are recorded.
    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !(await wake.isStopped) {
                let handled = await dispatchDue()
                if handled >= settings.batchSize { continue }
                await wake.wait(timeout: await idleTime())
            }
        } onGracefulShutdown: {
            Task { await self.wake.stop() }
        }
    }

    private func idleTime() async -> Duration {
        guard let due = try? await store.nextDeliveryDue() else { return settings.idlePoll }
        let seconds = max(due.timeIntervalSinceNow, 0.005)
        return min(.milliseconds(Int64(seconds * 1000)), settings.idlePoll)
    }

    /// Claims what is due and attempts it all concurrently. Returns how many were claimed.
    @discardableResult
    public func dispatchDue(now: Date = Date()) async -> Int {
        let claims: [ClaimedDelivery]
        do {
            claims = try await store.claimDueDeliveries(
                now: now, limit: settings.batchSize, leaseDuration: settings.leaseDuration, owner: owner
            )
        } catch {
            logger.error("claiming deliveries failed", metadata: ["error": "\(error)"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for claim in claims {
                group.addTask { await self.attempt(claim) }
            }
        }
        return claims.count
    }

    private func attempt(_ claim: ClaimedDelivery) async {
        let outcome: AttemptOutcome
        if let link = banks[claim.order.bank] {
            outcome = await send(claim, over: link)
        } else {
            outcome = .retryable(reason: "no profile for bank \(claim.order.bank)", httpStatus: nil, inbound: nil, reachedBank: false)
        }
        let result = resolve(outcome, for: claim, schedule: banks[claim.order.bank].map { RetrySchedule($0.profile.retry) })
        do {
            let state = try await store.record(result)
            await feed.publish(.init(orderID: claim.order.id, state: state))
            logger.info("delivery attempt", metadata: [
                "order": "\(claim.order.id)", "bank": "\(claim.order.bank)", "message": "\(claim.messageID)",
                "attempt": "\(claim.attempt)", "state": "\(state)",
            ])
        } catch {
            // The lease will expire and the same bytes will be sent again; the bank deduplicates.
            logger.error("recording an attempt failed", metadata: ["order": "\(claim.order.id)", "error": "\(error)"])
        }
    }

    /// One HTTP exchange with the bank, judged.
    private func send(_ claim: ClaimedDelivery, over link: BankLink) async -> AttemptOutcome {
        let response: BankResponse
        do {
            response = try await link.client.post(
                link.profile.endpoint, body: claim.message.bytes, contentType: claim.message.contentType,
                headers: claim.message.headers
            )
        } catch {
            return .retryable(reason: "transport: \(error)", httpStatus: nil, inbound: nil, reachedBank: false)
        }
        let received = Date()
        var inbound = StoredMessage(
            messageID: nil, orderID: claim.order.id, direction: .inbound, bank: claim.order.bank,
            dialect: link.codec.dialect.rawValue, kind: "receipt",
            contentType: response.header("Content-Type") ?? "application/octet-stream",
            recordedAt: received, bytes: response.body
        )
        let retryAfter = RetrySchedule.parseRetryAfter(response.header("Retry-After"), now: received)

        // A signed receipt decides, whatever the HTTP status says.
        if !response.body.isEmpty, let receipt = try? link.codec.readReceipt(response.body, headers: [:], at: received) {
            inbound.messageID = receipt.messageID
            guard receipt.originalMessageID == claim.messageID, receipt.bank == claim.order.bank else {
                logger.warning("bank receipt refers to another message", metadata: ["order": "\(claim.order.id)"])
                return .retryable(reason: "receipt answers message \(receipt.originalMessageID), not \(claim.messageID)",
                                  httpStatus: response.status, inbound: inbound, reachedBank: true, flagged: true)
            }
            switch receipt.status {
            case .accepted:
                return .acknowledged(receipt: receipt, httpStatus: response.status, inbound: inbound)
            case .rejected:
                return .rejected(receipt: receipt, httpStatus: response.status, inbound: inbound)
            default:
                return .retryable(reason: "unknown receipt status \(receipt.status)", httpStatus: response.status,
                                  inbound: inbound, reachedBank: true, flagged: true)
            }
        }

        switch response.status {
        case 200..<300:
            // A success status with a body we cannot verify is not an acknowledgement.
            let reason: String
            do {
                _ = try link.codec.readReceipt(response.body, headers: [:], at: received)
                reason = "unreadable receipt"
            } catch {
                reason = "receipt not accepted: \(error)"
            }
            logger.warning("bank reply failed verification", metadata: ["order": "\(claim.order.id)", "reason": "\(reason)"])
            return .retryable(reason: reason, httpStatus: response.status, inbound: inbound, reachedBank: true, flagged: true)
        case 408, 425, 429, 500...599:
            return .retryable(reason: "bank answered HTTP \(response.status)", httpStatus: response.status,
                              inbound: inbound, reachedBank: true, retryAfter: retryAfter)
        default:
            return .permanent(reason: "bank answered HTTP \(response.status) without a signed receipt",
                              httpStatus: response.status, inbound: inbound)
        }
    }

    /// Turns an outcome into the state change, timeline and next step to record.
    private func resolve(_ outcome: AttemptOutcome, for claim: ClaimedDelivery, schedule: RetrySchedule?) -> AttemptResult {
        let now = Date()
        var timeline = [TimelineEntry]()
        var newState: OrderState?
        var next = AttemptResult.Next.done
        func move(to state: OrderState, detail: String? = nil, messages: [MessageID] = []) {
            newState = state
            timeline.append(TimelineEntry(at: now, state: state, event: state.rawValue, messageIDs: messages, detail: detail))
        }
        let inboundID = outcome.inbound?.messageID
        let messages = [claim.messageID] + [inboundID].compactMap { $0 }
        var attemptState = claim.state

        if outcome.reachedBank, claim.state == .accepted {
            attemptState = .sent
        }
        switch outcome {
        case .acknowledged:
            attemptState = .acknowledged
        case .rejected:
            attemptState = .rejected
        case .permanent:
            attemptState = .failed
        case .retryable(_, _, _, _, _, let retryAfter):
            let delay = (schedule ?? RetrySchedule(initialDelay: 0.5, maxDelay: 30)).delay(after: claim.attempt, retryAfter: retryAfter)
            if now >= claim.order.deadline {
                attemptState = .failed
            } else {
                next = .retry(at: now.addingTimeInterval(delay))
            }
        }
        timeline.append(TimelineEntry(
            at: now, state: attemptState, event: "attempt", attempt: claim.attempt, outcome: outcome.label,
            httpStatus: outcome.httpStatus, messageIDs: messages, detail: outcome.detail
        ))
        if outcome.reachedBank, claim.state == .accepted {
            move(to: .sent, messages: [claim.messageID])
        }
        switch outcome {
        case .acknowledged(let receipt, _, _):
            move(to: .acknowledged, detail: "signed receipt \(receipt.messageID) verified", messages: [receipt.messageID])
        case .rejected(let receipt, _, _):
            move(to: .rejected, detail: [receipt.reasonCode, receipt.reasonText].compactMap { $0 }.joined(separator: ": "),
                 messages: [receipt.messageID])
        case .permanent(let reason, _, _):
            move(to: .failed, detail: reason)
        case .retryable:
            if attemptState == .failed {
                move(to: .failed, detail: "deadline \(Timestamp.format(claim.order.deadline)) passed without an acknowledgement")
            }
        }
        return AttemptResult(
            messageID: claim.messageID, orderID: claim.order.id, leaseOwner: claim.leaseOwner,
            newState: newState, timeline: timeline, inbound: [outcome.inbound].compactMap { $0 }, next: next
        )
    }
}

/// How one attempt ended.
enum AttemptOutcome: Sendable {
    case acknowledged(receipt: Receipt, httpStatus: Int, inbound: StoredMessage)
    case rejected(receipt: Receipt, httpStatus: Int, inbound: StoredMessage)
    /// Refused without a signed rejection (e.g. HTTP 400): retrying the same bytes cannot help.
    case permanent(reason: String, httpStatus: Int, inbound: StoredMessage)
    /// `flagged`: the bank said something we could not trust (bad signature, wrong message).
    case retryable(reason: String, httpStatus: Int?, inbound: StoredMessage?, reachedBank: Bool, flagged: Bool = false, retryAfter: TimeInterval? = nil)

    var inbound: StoredMessage? {
        switch self {
        case .acknowledged(_, _, let inbound), .rejected(_, _, let inbound), .permanent(_, _, let inbound): inbound
        case .retryable(_, _, let inbound, _, _, _): inbound
        }
    }

    var httpStatus: Int? {
        switch self {
        case .acknowledged(_, let status, _), .rejected(_, let status, _), .permanent(_, let status, _): status
        case .retryable(_, let status, _, _, _, _): status
        }
    }

    var reachedBank: Bool {
        switch self {
        case .acknowledged, .rejected, .permanent: true
        case .retryable(_, _, _, let reached, _, _): reached
        }
    }

    var label: String {
        switch self {
        case .acknowledged: "acknowledged"
        case .rejected: "rejected"
        case .permanent: "refused"
        case .retryable(_, _, _, _, let flagged, _): flagged ? "untrusted-reply" : "retry"
        }
    }

    var detail: String? {
        switch self {
        case .acknowledged, .rejected: nil
        case .permanent(let reason, _, _): reason
        case .retryable(let reason, _, _, _, _, _): reason
        }
    }
}
