import Foundation
import AyatStore
import Synchronization

/// Hands a just-accepted order's first delivery straight to the running dispatcher.
///
/// Intake stores the delivery already leased to the dispatcher, in the transaction that
/// stores the order, and passes the claim over in memory: the first attempt starts at
/// once, without a wake-up and a claiming transaction of its own. Durability is unchanged:
/// if the process dies before the attempt, the lease is reclaimed like any other.
public final class DeliveryHandoff: Sendable {
    struct Receiver: Sendable {
        let owner: String
        let leaseDuration: TimeInterval
        let hasRoom: @Sendable () -> Bool
        let take: @Sendable (ClaimedDelivery) -> Void
    }

    private let receiver = Mutex<Receiver?>(nil)

    public init() {}

    func connect(_ receiver: Receiver) { self.receiver.withLock { $0 = receiver } }
    func disconnect() { receiver.withLock { $0 = nil } }

    /// The lease to store a new delivery under, if a dispatcher is running and has room.
    func lease(now: Date) -> OrderSubmission.Lease? {
        receiver.withLock { receiver in
            guard let receiver, receiver.hasRoom() else { return nil }
            return OrderSubmission.Lease(owner: receiver.owner, until: now.addingTimeInterval(receiver.leaseDuration))
        }
    }

    /// Passes a stored, leased delivery on. With no dispatcher any more, the lease expires and it is claimed then.
    func hand(_ claim: ClaimedDelivery) {
        let take = receiver.withLock { $0?.take }
        take?(claim)
    }
}
