import Foundation
import AyatCore
import AyatDialects
import AyatStore

/// A case as the case system sees it: the trail of hops as a tree (each
/// account, the freeze sent there, what the bank held and where money went
/// next), the refunds and releases, and a summary.
struct CaseView: Encodable {
    struct Transfer: Encodable {
        var toBank: String
        var account: String
        var amount: AmountView
        var reference: String
        /// The freeze opened for it at the next hop, if any.
        var chasedBy: String?
    }
    struct Hop: Encodable {
        var orderId: String
        var hop: Int
        var bank: String
        var account: String
        var holderName: String
        var status: String
        var deadline: String
        var deadlineState: String
        var amountAsked: AmountView
        var amountHeld: AmountView?
        var frozenAt: String?
        var holdExpiresAt: String?
        var reachedBy: String?
        var onwardTransfers: [Transfer]
        var next: [Hop]
    }
    struct Settlement: Encodable {
        var orderId: String
        var type: String
        var bank: String
        var status: String
        var amount: AmountView
        var relatedOrderId: String?
        var returnReference: String?
    }
    struct Summary: Encodable {
        var totalReported: [AmountView]
        var totalHeld: [AmountView]
        var totalRefunded: [AmountView]
        var totalReleased: [AmountView]
        var hops: Int
        var hopsFrozen: Int
        var hopsOpen: Int
        var deadlineState: String
        /// Seconds from the victim's report to the last hop frozen, once every hop is.
        var reportToLastHopFrozenSeconds: Double?
    }

    var id: String
    var reportedAt: String
    var victim: Victim?
    var chasing: Bool?
    var policeComplaintAt: String?
    var summary: Summary
    var trail: [Hop]
    var settlements: [Settlement]

    struct Victim: Encodable {
        var bank: String
        var account: String
        var holderName: String
    }

    init(file: CaseFile, records: [OrderRecord], holdPolicy: GatewayConfiguration.LegalHold, atRiskMargin: TimeInterval, now: Date = Date()) {
        id = file.id.rawValue
        reportedAt = Timestamp.format(file.reportedAt)
        victim = file.victim.map { Victim(bank: $0.bank.rawValue, account: $0.account.number.rawValue, holderName: $0.account.holderName.rawValue) }
        chasing = file.chasing
        policeComplaintAt = file.policeComplaintAt.map(Timestamp.format)

        let freezes = records.filter { $0.order.kind == .freeze }
        let byParent = Dictionary(grouping: freezes.filter { $0.order.chasedFrom != nil }) { $0.order.chasedFrom!.parentOrder }
        let ids = Set(freezes.map(\.order.id))
        func hop(_ record: OrderRecord, depth: Int) -> Hop {
            let order = record.order
            let children = byParent[order.id] ?? []
            let chasedBy = Dictionary(children.map { ($0.order.chasedFrom!.transferReference, $0.order.id.rawValue) }, uniquingKeysWith: { a, _ in a })
            let frozen = record.state == .executed
            return Hop(
                orderId: order.id.rawValue, hop: depth, bank: order.bank.rawValue, account: order.account.number.rawValue,
                holderName: order.account.holderName.rawValue, status: record.state.rawValue, deadline: Timestamp.format(order.deadline),
                deadlineState: DeadlineState(deadline: order.deadline, state: record.state, now: now, margin: atRiskMargin).rawValue,
                amountAsked: AmountView(order.amount), amountHeld: frozen ? record.execution?.amount.map(AmountView.init) : nil,
                frozenAt: frozen ? record.execution.map { Timestamp.format($0.executedAt) } : nil,
                holdExpiresAt: frozen ? Timestamp.format(holdPolicy.expiry(of: order, complaintAt: file.policeComplaintAt)) : nil,
                reachedBy: order.chasedFrom?.transferReference,
                onwardTransfers: (record.execution?.onwardTransfers ?? []).map {
                    Transfer(toBank: $0.to.rawValue, account: $0.account.rawValue, amount: AmountView($0.amount), reference: $0.reference,
                             chasedBy: chasedBy[$0.reference])
                },
                next: depth > 64 ? [] : children.map { hop($0, depth: depth + 1) }
            )
        }
        let roots = freezes.filter { $0.order.chasedFrom.map { !ids.contains($0.parentOrder) } ?? true }
        trail = roots.map { hop($0, depth: $0.order.chasedFrom?.hop ?? 1) }

        let others = records.filter { $0.order.kind != .freeze }
        settlements = others.map {
            Settlement(orderId: $0.order.id.rawValue, type: $0.order.kind.rawValue, bank: $0.order.bank.rawValue, status: $0.state.rawValue,
                       amount: AmountView($0.order.amount), relatedOrderId: $0.order.relatedOrder?.rawValue,
                       returnReference: $0.execution?.returnReference)
        }

        func total(_ amounts: [Money]) -> [AmountView] {
            Dictionary(grouping: amounts, by: \.currency.code).sorted { $0.key < $1.key }.map { _, values in
                AmountView(Money(minorUnits: values.reduce(0) { $0 + $1.minorUnits }, currency: values[0].currency))
            }
        }
        let executed = { (records: [OrderRecord]) in records.filter { $0.state == .executed } }
        let frozenHops = executed(freezes)
        let open = freezes.filter { !$0.state.isTerminal }
        let states = freezes.map { DeadlineState(deadline: $0.order.deadline, state: $0.state, now: now, margin: atRiskMargin) }
        let worst = [DeadlineState.breached, .atRisk, .onTime].first(where: states.contains) ?? (states.isEmpty ? .onTime : .met)
        let lastFrozen = frozenHops.compactMap { $0.execution?.executedAt }.max()
        summary = Summary(
            totalReported: total(roots.map(\.order.amount)),
            totalHeld: total(frozenHops.compactMap { $0.execution?.amount }),
            totalRefunded: total(executed(others.filter { $0.order.kind == .refund }).map { $0.execution?.amount ?? $0.order.amount }),
            totalReleased: total(executed(others.filter { $0.order.kind == .release }).map { $0.execution?.amount ?? $0.order.amount }),
            hops: freezes.count, hopsFrozen: frozenHops.count, hopsOpen: open.count, deadlineState: worst.rawValue,
            reportToLastHopFrozenSeconds: open.isEmpty && !frozenHops.isEmpty
                ? lastFrozen.map { ($0.timeIntervalSince(file.reportedAt) * 1000).rounded() / 1000 } : nil
        )
    }
}
