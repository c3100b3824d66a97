import Foundation
import Synchronization

extension DialectError.Code {
    /// A verified message reuses a message id that a *different* message already used
    /// within the replay window. Byte-identical resends are not replays (see ``JWSReplayCache``).
    public static let replay = DialectError.Code(rawValue: "replay")
    /// A value the signature binds (request method or path, source, issuer, trust anchor)
    /// disagrees with the real request or with the message.
    public static let bindingMismatch = DialectError.Code(rawValue: "binding-mismatch")
    /// An authentic message whose signing time (`iat`, `FSPIOP-Date`) is outside the allowed skew.
    public static let clockSkew = DialectError.Code(rawValue: "clock-skew")
}

/// Message ids seen recently, per sender, with a digest of the message that used them.
///
/// The rule: the same message id with the **same body bytes** is the same message —
/// a bank resending a callback, the gateway re-polling and getting the same reply,
/// a retried order — and is accepted again (the caller deduplicates by message id).
/// The same message id with **a different body** inside ``window`` is a replay
/// (`DialectError.Code.replay`): an authentic signer never reuses an id for other content.
/// Only messages that verified and parsed are recorded, so a forgery cannot poison the cache.
/// Bounded by ``capacity``: the oldest ids are forgotten first.
public final class JWSReplayCache: Sendable {
    public enum Observation: Sendable, Equatable {
        /// Not seen within the window.
        case new
        /// Seen with identical bytes: a resend of the same message.
        case identicalResend
        /// Seen with other bytes: a different message reusing the id.
        case conflicting(firstSeen: Date)
    }

    public let window: TimeInterval
    public let capacity: Int

    private struct Entry {
        var digest: [UInt8]
        var firstSeen: Date
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Keys in insertion order, for eviction; `head` is the oldest still present.
        var order: [String] = []
        var head = 0
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - window: how long a message id stays reserved for its first content (default 24 h).
    ///   - capacity: how many ids are remembered at most (default 100 000).
    public init(window: TimeInterval = 24 * 3600, capacity: Int = 100_000) {
        self.window = window
        self.capacity = max(1, capacity)
    }

    /// Looks `messageID` from `sender` up and records it when it is new (or its entry expired).
    public func observe(messageID: String, sender: String, digest: [UInt8], at time: Date) -> Observation {
        let key = "\(sender)\u{0}\(messageID)"
        return state.withLock { state in
            expire(&state, before: time.addingTimeInterval(-window))
            if let entry = state.entries[key], time.timeIntervalSince(entry.firstSeen) <= window {
                return entry.digest == digest ? .identicalResend : .conflicting(firstSeen: entry.firstSeen)
            }
            if state.entries.updateValue(Entry(digest: digest, firstSeen: time), forKey: key) == nil {
                state.order.append(key)
            }
            while state.entries.count > capacity, state.head < state.order.count {
                state.entries[state.order[state.head]] = nil
                state.head += 1
            }
            compact(&state)
            return .new
        }
    }

    /// How many ids are remembered now.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Forgets ids first seen before `cutoff`, oldest first (insertion order is close to time order).
    private func expire(_ state: inout State, before cutoff: Date) {
        while state.head < state.order.count {
            let key = state.order[state.head]
            if let entry = state.entries[key], entry.firstSeen >= cutoff { break }
            state.entries[key] = nil
            state.head += 1
        }
    }

    private func compact(_ state: inout State) {
        if state.head > 1024, state.head * 2 > state.order.count {
            state.order.removeFirst(state.head)
            state.head = 0
        }
    }
}
