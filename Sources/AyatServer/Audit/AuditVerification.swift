import Foundation
import AyatAudit
import AyatCore
import AyatDialects
import AyatPKI
import AyatStore
import X509

/// What an audit found: every problem, named precisely, and what was checked.
public struct AuditVerification: Sendable {
    public var problems: [String] = []
    public var notes: [String] = []
    public var leafCount: UInt64 = 0
    public var checkpointsVerified = 0
    public var signaturesVerified = 0

    public var isClean: Bool { problems.isEmpty }

    public var rendered: String {
        var lines = problems.map { "✗ \($0)" } + notes.map { "· \($0)" }
        lines.append(isClean
            ? "✓ log verifies: \(leafCount) leaves, \(checkpointsVerified) checkpoint(s), \(signaturesVerified) message signature(s)"
            : "✗ log does not verify: \(problems.count) problem(s) in \(leafCount) leaves")
        return lines.joined(separator: "\n")
    }

    /// Checks a gateway's own log: each leaf against its stored message, the
    /// tree against every signed checkpoint, and each message's signature
    /// against its signer's certificate.
    public static func verify(state: StateDirectory, store: some GatewayStore, verifier: NoteVerifier, origin: String) async throws -> AuditVerification {
        var result = AuditVerification()
        let size = try await store.auditSize()
        result.leafCount = size
        let entries = try await store.auditEntries(0..<size)
        var leaves = [[UInt8]]()
        leaves.reserveCapacity(entries.count)
        for (position, entry) in entries.enumerated() {
            if entry.index != UInt64(position) {
                result.problems.append("leaf \(position) is missing from the log (next stored leaf is \(entry.index))")
            }
            if let leaf = entry.leaf {
                leaves.append(leaf.encoded())
            } else {
                result.problems.append("leaf \(entry.index): its stored message is missing")
                leaves.append([])
            }
        }
        let checkpoints = try await store.checkpoints()
        let report = AuditLogVerifier(verifiers: [verifier], origin: origin)
            .verify(leaves: leaves, storedLeafHashes: entries.map(\.leafHash), checkpoints: checkpoints.map(\.note))
        result.problems += report.findings.map(\.description)
        result.checkpointsVerified = report.verifiedCheckpoints.count
        if checkpoints.isEmpty { result.notes.append("no checkpoint has been signed yet: run `ayat audit checkpoint`") }

        let signers = try Signers(state: state)
        for entry in entries {
            guard let message = entry.message else { continue }
            result.check(message, index: entry.index, pinned: signers.certificates(for: message))
        }
        return result
    }

    mutating func check(_ message: StoredMessage, index: UInt64, pinned: [Certificate]) {
        let name = message.messageID?.rawValue ?? "without id"
        do {
            try MessageSignatures.verify(message, pinned: pinned)
            signaturesVerified += 1
        } catch {
            if message.direction == .inbound && message.kind == "reply" {
                // Stored as received but never trusted: the dispatcher flagged it then.
                notes.append("leaf \(index): inbound message \(name) was refused when received and does not verify (\(error))")
            } else {
                problems.append("leaf \(index): \(message.direction.rawValue) message \(name) (\(message.kind), bank \(message.bank)) does not verify: \(error)")
            }
        }
    }

    /// The certificates each party signs with, from the state directory.
    struct Signers {
        let gateway: [Certificate]
        let banks: [BankCode: [Certificate]]

        init(state: StateDirectory) throws {
            let configuration = try state.loadGatewayConfiguration()
            gateway = try PEMFile.readCertificates(state.resolve(configuration.signing.certificate))
            var banks = [BankCode: [Certificate]]()
            for (_, profile) in try state.loadBankProfiles() {
                banks[profile.code] = try profile.signing.certificates.flatMap { try PEMFile.readCertificates(state.resolve($0)) }
            }
            self.banks = banks
        }

        func certificates(for message: StoredMessage) -> [Certificate] {
            message.direction == .outbound ? gateway : banks[message.bank] ?? []
        }
    }
}
