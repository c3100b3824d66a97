import Foundation

/// Where a chased freeze came from: the hop whose bank reported the money
/// moving on, and the transfer that carried it.
public struct ChaseOrigin: Hashable, Sendable, Codable {
    /// The freeze order whose execution result reported the onward transfer.
    public var parentOrder: OrderID
    public var transferReference: String
    /// How many hops from the account the victim paid (that account is hop 1).
    public var hop: Int

    public init(parentOrder: OrderID, transferReference: String, hop: Int) {
        self.parentOrder = parentOrder
        self.transferReference = transferReference
        self.hop = hop
    }
}
