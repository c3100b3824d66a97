import Foundation
import AyatCore
import AyatDialects
import AyatStore

/// Turns one attempt's outcome into what is recorded: the state it moves the
/// order to, the timeline lines, and what to do next (done, retry, poll).
/// Pure: no I/O, so every rule here is testable on its own.
public struct AttemptJudgement {
    /// What the judgement is about: an order's message, where the order stood, and how the news came.
    public struct Subject: Sendable {
        public var order: Order
        public var state: OrderState
        public var messageID: MessageID
        public var purpose: DeliveryPurpose
        /// The delivery attempt number; nil for news the bank sent by itself (a callback).
        public var attempt: Int?
        public var leaseOwner: String
        /// Timeline event for the exchange: "attempt", "poll" or "callback".
        public var event: String
        /// Set by a manual retry: keep trying until then.
        public var giveUpAt: Date?

        init(_ claim: ClaimedDelivery) {
            order = claim.order
            state = claim.state
            messageID = claim.messageID
            purpose = claim.purpose
            attempt = claim.attempt
            leaseOwner = claim.leaseOwner
            event = claim.purpose == .poll ? "poll" : "attempt"
            giveUpAt = claim.giveUpAt
        }

        public init(callbackFor order: Order, state: OrderState, messageID: MessageID) {
            self.order = order
            self.state = state
            self.messageID = messageID
            purpose = .poll
            attempt = nil
            leaseOwner = "callback"
            event = "callback"
        }
    }

    let claim: Subject
    let outcome: AttemptOutcome
    let profile: BankProfile?

    init(claim: ClaimedDelivery, outcome: AttemptOutcome, profile: BankProfile?) {
        self.claim = Subject(claim)
        self.outcome = outcome
        self.profile = profile
    }

    /// Judges a reply the bank sent by itself to our inbound endpoint.
    public init(callback reply: BankReply, inbound: StoredMessage, subject: Subject, profile: BankProfile?) {
        self.claim = subject
        self.outcome = .replied(reply, httpStatus: 200, inbound: inbound)
        self.profile = profile
    }


    public func result(now: Date) -> AttemptResult {
        var timeline = [TimelineEntry]()
        var states = [OrderState]()
        var next = AttemptResult.Next.done
        var execution: ExecutionOutcome?
        var details = [OrderState: String]()
        var stateMessages = [OrderState: [MessageID]]()

        if outcome.reachedBank, claim.state == .accepted { states.append(.sent) }

        switch outcome {
        case .replied(.receipt(let receipt), _, _):
            if receipt.status == .accepted {
                states.append(.acknowledged)
                stateMessages[.acknowledged] = [receipt.messageID]
                details[.acknowledged] = "signed receipt \(receipt.messageID) verified"
                next = awaitingResult(now: now)
            } else if receipt.status == .rejected {
                states.append(.rejected)
                stateMessages[.rejected] = [receipt.messageID]
                details[.rejected] = [receipt.reasonCode, receipt.reasonText].compactMap { $0 }.joined(separator: ": ")
            } else {
                next = retry(now: now, retryAfter: nil)
            }
        case .replied(.result(let result), _, _):
            if result.status == .executed {
                states += [.acknowledged, .executed]
                stateMessages[.executed] = [result.messageID]
                details[.executed] = Self.summary(result)
                execution = result.outcome
            } else {
                states.append(.rejected)
                stateMessages[.rejected] = [result.messageID]
                details[.rejected] = "execution failed: " + [result.reasonCode, result.reasonText].compactMap { $0 }.joined(separator: ": ")
            }
        case .permanent(let reason, _, _):
            states.append(.failed)
            details[.failed] = reason
        case .retryable(_, _, _, _, _, let retryAfter):
            if claim.purpose == .send, claim.event != "callback", now >= giveUpAt {
                states.append(.failed)
                details[.failed] = giveUpAt > claim.order.deadline
                    ? "no acknowledgement by \(Timestamp.format(giveUpAt)), past the deadline \(Timestamp.format(claim.order.deadline))"
                    : "deadline \(Timestamp.format(claim.order.deadline)) passed without an acknowledgement"
            } else {
                next = retry(now: now, retryAfter: retryAfter)
            }
        }

        // States already reached are not announced again.
        let moves = states.filter { $0 != claim.state && claim.state.canMove(to: $0) }
        let finalState = moves.last ?? claim.state
        let messages = [claim.messageID] + [outcome.inbound?.messageID].compactMap { $0 }
        if claim.event == "callback" { next = .unchanged }
        var attemptDetail = outcome.detail
        if case .retry(let at) = next, claim.purpose == .send || outcome.detail != nil {
            attemptDetail = [outcome.detail, "next try \(Timestamp.format(at))"].compactMap { $0 }.joined(separator: "; ")
        }
        timeline.append(TimelineEntry(
            at: now, state: finalState, event: claim.event, attempt: claim.attempt,
            outcome: outcome.label, httpStatus: outcome.httpStatus, messageIDs: messages, detail: attemptDetail
        ))
        for state in moves {
            timeline.append(TimelineEntry(
                at: now, state: state, event: state.rawValue,
                messageIDs: stateMessages[state] ?? (state == .sent ? [claim.messageID] : []), detail: details[state]
            ))
        }
        return AttemptResult(
            messageID: claim.messageID, orderID: claim.order.id, leaseOwner: claim.leaseOwner,
            newState: moves.last, timeline: timeline, inbound: [outcome.inbound].compactMap { $0 }, next: next,
            execution: execution
        )
    }

    /// When attempts to deliver stop: the deadline, plus what the profile allows past it, or a manual retry's horizon.
    var giveUpAt: Date {
        let profileLimit = claim.order.deadline.addingTimeInterval(max(profile?.retry.pastDeadline ?? 0, 0))
        return max(profileLimit, claim.giveUpAt ?? .distantPast)
    }

    /// After a receipt: poll banks are asked again later; callback banks call us.
    private func awaitingResult(now: Date) -> AttemptResult.Next {
        guard let ack = profile?.ack, ack.mode == "poll" else { return .done }
        return .poll(at: now.addingTimeInterval(ack.pollInterval ?? 1))
    }

    private func retry(now: Date, retryAfter: TimeInterval?) -> AttemptResult.Next {
        let attempt = claim.attempt ?? 1
        if claim.purpose == .poll, retryAfter == nil, let interval = profile?.ack.pollInterval {
            return .retry(at: now.addingTimeInterval(interval))
        }
        let schedule = profile.map { RetrySchedule($0.retry) } ?? RetrySchedule(initialDelay: 0.5, maxDelay: 30)
        return .retry(at: now.addingTimeInterval(schedule.delay(after: attempt, retryAfter: retryAfter)))
    }

    static func summary(_ result: ExecutionResult) -> String {
        var parts = ["signed result \(result.messageID) verified"]
        if let amount = result.outcome.amount {
            let verb = result.kind == .freeze ? "held" : result.kind == .release ? "released" : "returned"
            parts.append("\(verb) \(amount)")
        }
        if let reference = result.outcome.returnReference { parts.append("return reference \(reference)") }
        if !result.outcome.onwardTransfers.isEmpty {
            parts.append("\(result.outcome.onwardTransfers.count) onward transfer(s)")
        }
        return parts.joined(separator: "; ")
    }
}
