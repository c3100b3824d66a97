import Foundation
import AyatCore
import AyatStore
import Logging
import ServiceLifecycle

/// Follows the money: when a bank reports that frozen money had already moved
/// on, opens freezes at the receiving banks in the same case, for the amount
/// that moved, under the case's deadline — or, where the case says not to
/// chase, reports the onward transfers and waits for the case system.
///
/// Durable by construction: the store marks the result "to chase" in the same
/// transaction that records it, and each next-hop order is submitted with an
/// idempotency key made of the parent order and transfer reference, so a crash
/// between submitting and marking never opens a hop twice.
public final class Chaser: Service, Sendable {
    private let store: any GatewayStore
    private let intake: OrderIntake
    private let feed: OrderStateFeed
    private let chasingByDefault: Bool
    private let onOpened: @Sendable () -> Void
    private let logger: Logger
    private let wake = WakeSignal()

    public init(
        store: any GatewayStore, intake: OrderIntake, feed: OrderStateFeed, chasingByDefault: Bool, logger: Logger,
        onOpened: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.intake = intake
        self.feed = feed
        self.chasingByDefault = chasingByDefault
        self.onOpened = onOpened
        self.logger = logger
    }

    public func run() async throws {
        let changes = await feed.subscribe()
        let listener = Task { [wake] in
            for await change in changes where change.state == .executed { await wake.signal() }
        }
        defer { listener.cancel() }
        await WorkLoop(wake: wake, idle: .seconds(1)).run { await self.chasePending() }
    }

    /// Chases every pending result; returns true if a full batch was handled.
    @discardableResult
    public func chasePending() async -> Bool {
        do {
            let pending = try await store.pendingChases(limit: 32)
            for parent in pending { try await chase(parent) }
            return pending.count == 32
        } catch {
            logger.error("chasing onward transfers failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func chase(_ parent: OrderRecord) async throws {
        let now = Date()
        let transfers = parent.execution?.onwardTransfers ?? []
        let caseFile = try await store.caseFile(parent.order.caseID)
        guard caseFile?.chasing ?? chasingByDefault else {
            let detail = "\(transfers.count) onward transfer(s) reported; chasing is off for this case, so the case system decides"
            try await store.recordEvent(type: "case.onward-transfers", caseID: parent.order.caseID, orderID: parent.order.id,
                                        at: now, state: parent.state, detail: detail, timeline: nil)
            try await store.finishChase(parent.order.id, timeline: TimelineEntry(at: now, state: parent.state, event: "chase", detail: detail))
            await feed.publish(.init(orderID: parent.order.id, state: parent.state))
            return
        }
        // Accounts this case already froze, or is freezing: never frozen twice, loops end here.
        var frozen = [HopTarget: OrderID]()
        for record in try await store.orders(inCase: parent.order.caseID)
        where record.order.kind == .freeze && ![.failed, .rejected, .cancelled].contains(record.state) {
            // The first order to freeze an account is the one the timeline names.
            let target = HopTarget(bank: record.order.bank, account: record.order.account.number)
            if frozen[target] == nil { frozen[target] = record.order.id }
        }
        var notes = [String]()
        var opened = 0
        for transfer in transfers {
            let target = HopTarget(bank: transfer.to, account: transfer.account)
            if let existing = frozen[target] {
                notes.append("\(transfer.reference) → bank \(transfer.to): account already frozen in this case by \(existing)")
                continue
            }
            let child = nextHop(from: parent.order, transfer: transfer, now: now)
            let key = "chase/\(parent.order.id)/\(transfer.reference)"
            do {
                let (outcome, _) = try await intake.submit(child, idempotencyKey: key, requestHash: key, now: now) { order, messageID in
                    (202, Array("{\"id\":\"\(order.id)\",\"messageId\":\"\(messageID)\"}".utf8))
                }
                var childID = child.id
                if case .replayed(let record) = outcome, let id = Self.orderID(inAnswer: record.body) { childID = id }
                frozen[target] = childID
                opened += 1
                notes.append("\(transfer.reference) → bank \(transfer.to): freeze \(childID) for \(transfer.amount)")
                try await store.recordEvent(
                    type: "case.hop-opened", caseID: parent.order.caseID, orderID: childID, at: now, state: .accepted,
                    detail: "hop \(child.chasedFrom?.hop ?? 0) chased from \(parent.order.id) via transfer \(transfer.reference)", timeline: nil
                )
            } catch OrderIntake.Refusal.unknownBank(let bank) {
                notes.append("\(transfer.reference) → bank \(bank): no profile for this bank, the case system must act")
                try await store.recordEvent(type: "case.hop-unreachable", caseID: parent.order.caseID, orderID: parent.order.id, at: now,
                                            state: parent.state, detail: "money moved on to bank \(bank), which Ayat has no profile for", timeline: nil)
            }
        }
        try await store.finishChase(parent.order.id, timeline: TimelineEntry(
            at: Date(), state: parent.state, event: "chase", detail: notes.joined(separator: "; ")
        ))
        await feed.publish(.init(orderID: parent.order.id, state: parent.state))
        logger.info("chased onward transfers", metadata: ["order": "\(parent.order.id)", "opened": "\(opened)", "transfers": "\(transfers.count)"])
        if opened > 0 { onOpened() }
    }

    /// The freeze at the next hop: the amount that moved on, the parent's legal basis, clock and deadline.
    func nextHop(from parent: Order, transfer: OnwardTransfer, now: Date) -> Order {
        let hop = (parent.chasedFrom?.hop ?? 1) + 1
        return Order(
            id: .generate(), kind: .freeze, caseID: parent.caseID, bank: transfer.to,
            account: Account(number: transfer.account, holderName: transfer.holderName ?? Self.unknownHolder),
            amount: transfer.amount,
            reportedTransfer: ReportedTransfer(reference: transfer.reference, time: transfer.time),
            legalBasis: parent.legalBasis, requestedBy: parent.requestedBy, reportedAt: parent.reportedAt,
            deadline: parent.deadline, acceptedAt: now,
            chasedFrom: ChaseOrigin(parentOrder: parent.id, transferReference: transfer.reference, hop: hop)
        )
    }

    static let unknownHolder = HolderName("UNKNOWN")!

    static func orderID(inAnswer body: [UInt8]) -> OrderID? {
        struct Answer: Decodable { var id: String }
        return (try? JSONDecoder().decode(Answer.self, from: Data(body))).map { OrderID(rawValue: $0.id) }
    }
}

/// An account at a bank: what "frozen twice" compares.
struct HopTarget: Hashable {
    var bank: BankCode
    var account: AccountNumber
}
