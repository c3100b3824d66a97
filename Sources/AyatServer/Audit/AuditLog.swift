import Foundation
import AyatAudit
import AyatStore
import Logging
import ServiceLifecycle

/// Issues signed checkpoints over the store's audit log, periodically and on demand.
///
/// It extends an in-memory accumulator with the leaves appended since, and
/// before it signs it checks that the stored leaves still produce the root of
/// the last checkpoint it signed: a log whose history was rewritten is never
/// signed over, so the log never signs two inconsistent checkpoints.
public actor AuditLog: Service {
    public nonisolated let origin: String
    private let store: any AuditLogStore
    private let signer: NoteSigner
    private let interval: Duration
    private let logger: Logger
    private var accumulator = MerkleAccumulator()
    private var latest: SignedCheckpoint?
    /// The checkpoint being made. An actor's methods interleave at every `await`: two callers
    /// extending the one accumulator at once would append the same leaves twice and sign a
    /// wrong root. Each call waits for the one before it.
    private var inFlight: Task<SignedCheckpoint, any Error>?

    public init(store: any AuditLogStore, signer: NoteSigner, interval: Duration = .seconds(10), logger: Logger) {
        self.store = store
        self.signer = signer
        self.origin = signer.name
        self.interval = interval
        self.logger = logger
    }

    public nonisolated var verifier: NoteVerifier { signer.verifier }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await checkpoint()
            } catch {
                logger.critical("audit checkpoint refused", metadata: ["reason": "\(error)"])
            }
            // Wakes early on graceful shutdown, so stopping never waits out the interval.
            let interval = self.interval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        _ = try? await checkpoint()
    }

    /// Signs a checkpoint of the log as it stands, or returns the latest if nothing was added.
    @discardableResult
    public func checkpoint(now: Date = Date()) async throws -> SignedCheckpoint {
        let previous = inFlight
        let task = Task {
            _ = try? await previous?.value
            return try await self.checkpointAlone(now: now)
        }
        inFlight = task
        return try await task.value
    }

    private func checkpointAlone(now: Date) async throws -> SignedCheckpoint {
        if latest == nil, let stored = try await store.checkpoints().last {
            let signed = try SignedCheckpoint(parsing: stored.note)
            _ = try signed.verify(using: [signer.verifier], origin: origin)
            try await extend(to: signed.checkpoint.size)
            guard accumulator.root == signed.checkpoint.rootHash else {
                throw AuditLogError("the stored leaves no longer produce the root of checkpoint \(signed.checkpoint.size): the log was altered")
            }
            latest = signed
        }
        let size = try await store.auditSize()
        if let latest, latest.checkpoint.size == size { return latest }
        if let latest, size < latest.checkpoint.size {
            throw AuditLogError("the log shrank from \(latest.checkpoint.size) to \(size) leaves")
        }
        try await extend(to: size)
        let checkpoint = try Checkpoint(origin: origin, size: size, rootHash: accumulator.root)
        let signed = try SignedCheckpoint(checkpoint: checkpoint, signers: [signer])
        try await store.appendCheckpoint(StoredCheckpoint(size: size, note: signed.serialized, issuedAt: now))
        latest = signed
        return signed
    }

    private func extend(to size: UInt64) async throws {
        var next = accumulator.size
        while next < size {
            let end = min(size, next + 65_536)
            for hash in try await store.auditLeafHashes(next..<end) { accumulator.append(leafHash: hash) }
            guard accumulator.size == end else { throw AuditLogError("leaves \(next)..<\(end) are missing from the log") }
            next = end
        }
    }
}

public struct AuditLogError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
