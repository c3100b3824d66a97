import Foundation
import AyatDialects
import AyatStore

/// How one exchange with a bank ended.
enum AttemptOutcome: Sendable {
    /// A reply whose signature verified against the bank's pinned certificate.
    case replied(BankReply, httpStatus: Int, inbound: StoredMessage)
    /// Refused without a signed reply (e.g. HTTP 400): resending the same bytes cannot help.
    case permanent(reason: String, httpStatus: Int, inbound: StoredMessage)
    /// Try again later. `flagged`: the bank said something we could not trust
    /// (a bad signature, a reply about another message).
    case retryable(reason: String, httpStatus: Int?, inbound: StoredMessage?, reachedBank: Bool, flagged: Bool = false, retryAfter: TimeInterval? = nil)

    var inbound: StoredMessage? {
        switch self {
        case .replied(_, _, let inbound), .permanent(_, _, let inbound): inbound
        case .retryable(_, _, let inbound, _, _, _): inbound
        }
    }

    var httpStatus: Int? {
        switch self {
        case .replied(_, let status, _), .permanent(_, let status, _): status
        case .retryable(_, let status, _, _, _, _): status
        }
    }

    var reachedBank: Bool {
        switch self {
        case .replied, .permanent: true
        case .retryable(_, _, _, let reached, _, _): reached
        }
    }

    /// Whether the bank is answering: what the circuit breaker counts. A reply we
    /// cannot trust is a security matter, not an outage, so it counts as an answer.
    var bankAnswered: Bool {
        switch self {
        case .replied, .permanent: true
        case .retryable(_, let status, _, let reached, let flagged, _):
            flagged || (reached && !(status.map { [408, 425, 429].contains($0) || $0 >= 500 } ?? true))
        }
    }

    var label: String {
        switch self {
        case .replied(.receipt(let receipt), _, _): receipt.status == .accepted ? "acknowledged" : "rejected"
        case .replied(.result(let result), _, _): result.status == .executed ? "executed" : "execution-failed"
        case .permanent: "refused"
        case .retryable(_, _, _, _, let flagged, _): flagged ? "untrusted-reply" : "retry"
        }
    }

    var detail: String? {
        switch self {
        case .replied: nil
        case .permanent(let reason, _, _): reason
        case .retryable(let reason, _, _, _, _, _): reason
        }
    }
}
