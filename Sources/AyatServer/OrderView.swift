import Foundation
import AyatCore
import AyatStore

/// How an order is shown on the API: the order, where it stands, and its history.
struct OrderView: Encodable {
    struct AccountView: Encodable {
        var number: String
        var holderName: String
    }
    struct TimelineView: Encodable {
        var at: String
        var state: String
        var event: String
        var attempt: Int?
        var outcome: String?
        var httpStatus: Int?
        var messageIds: [String]
        var detail: String?
    }
    struct ExecutionView: Encodable {
        struct TransferView: Encodable {
            var toBank: String
            var account: String
            var holderName: String?
            var amount: AmountView
            var reference: String
            var time: String
        }
        var executedAt: String
        var amount: AmountView?
        var returnReference: String?
        var onwardTransfers: [TransferView]
    }
    struct MessageView: Encodable {
        var id: String?
        var direction: String
        var kind: String
        var dialect: String
        var recordedAt: String
        var bytes: Int
    }

    var id: String
    var type: String
    var caseId: String
    var bank: String
    var account: AccountView
    var amount: AmountView
    var status: String
    var deadline: String
    /// `on-time`, `at-risk` (inside the last quarter hour), `breached`, or `met` once the bank has the order.
    var deadlineState: String
    var acceptedAt: String
    var updatedAt: String
    /// What the bank reported carrying out (amount held, onward transfers, return reference).
    var execution: ExecutionView?
    var beneficiary: BeneficiaryView?
    var reason: String?
    var relatedOrderId: String?
    /// For a freeze Ayat opened itself: the hop it chased and the transfer that led there.
    var chasedFrom: ChaseView?
    var timeline: [TimelineView]
    var messages: [MessageView]

    struct ChaseView: Encodable {
        var parentOrderId: String
        var transferReference: String
        var hop: Int
    }

    struct BeneficiaryView: Encodable {
        var bank: String
        var number: String
        var holderName: String
    }

    init(record: OrderRecord, timeline: [TimelineEntry], messages: [StoredMessage], now: Date = Date(), atRiskMargin: TimeInterval = DeadlineState.atRiskMargin) {
        let order = record.order
        id = order.id.rawValue
        type = order.kind.rawValue
        caseId = order.caseID.rawValue
        bank = order.bank.rawValue
        account = AccountView(number: order.account.number.rawValue, holderName: order.account.holderName.rawValue)
        amount = AmountView(order.amount)
        status = record.state.rawValue
        deadline = Timestamp.format(order.deadline)
        deadlineState = DeadlineState(deadline: order.deadline, state: record.state, now: now, margin: atRiskMargin).rawValue
        acceptedAt = Timestamp.format(order.acceptedAt)
        updatedAt = Timestamp.format(record.updatedAt)
        execution = record.execution.map { outcome in
            ExecutionView(
                executedAt: Timestamp.format(outcome.executedAt),
                amount: outcome.amount.map(AmountView.init),
                returnReference: outcome.returnReference,
                onwardTransfers: outcome.onwardTransfers.map {
                    .init(toBank: $0.to.rawValue, account: $0.account.rawValue, holderName: $0.holderName?.rawValue,
                          amount: AmountView($0.amount),
                          reference: $0.reference, time: Timestamp.format($0.time))
                }
            )
        }
        beneficiary = order.beneficiary.map {
            BeneficiaryView(bank: $0.bank.rawValue, number: $0.account.number.rawValue, holderName: $0.account.holderName.rawValue)
        }
        reason = order.reason
        relatedOrderId = order.relatedOrder?.rawValue
        chasedFrom = order.chasedFrom.map { ChaseView(parentOrderId: $0.parentOrder.rawValue, transferReference: $0.transferReference, hop: $0.hop) }
        self.timeline = timeline.map {
            TimelineView(at: Timestamp.format($0.at), state: $0.state.rawValue, event: $0.event, attempt: $0.attempt,
                         outcome: $0.outcome, httpStatus: $0.httpStatus, messageIds: $0.messageIDs.map(\.rawValue), detail: $0.detail)
        }
        self.messages = messages.map {
            MessageView(id: $0.messageID?.rawValue, direction: $0.direction.rawValue, kind: $0.kind, dialect: $0.dialect,
                        recordedAt: Timestamp.format($0.recordedAt), bytes: $0.bytes.count)
        }
    }
}

/// Whether an order is on course to meet its deadline.
public enum DeadlineState: String, Sendable {
    case onTime = "on-time"
    case atRisk = "at-risk"
    case breached = "breached"
    /// The bank had the order in time.
    case met = "met"
    /// Rejected or cancelled: no deadline applies any more.
    case closed = "closed"

    /// How close to the deadline an open order counts as at risk, unless configured.
    public static let atRiskMargin: TimeInterval = 15 * 60

    public init(deadline: Date, state: OrderState, now: Date, margin: TimeInterval = DeadlineState.atRiskMargin) {
        if state == .acknowledged || state == .executed {
            self = .met
        } else if state == .rejected || state == .cancelled {
            self = .closed
        } else if state == .failed || now >= deadline {
            self = .breached
        } else if deadline.timeIntervalSince(now) <= margin {
            self = .atRisk
        } else {
            self = .onTime
        }
    }
}

/// The 202 answer to a new order (and its idempotent replays).
struct AcceptedView: Encodable {
    var id: String
    var status: String
    var caseId: String
    var bank: String
    var deadline: String
    var messageId: String
}
