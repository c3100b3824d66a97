import ArgumentParser
import Foundation
import AyatAudit
import AyatCore
import AyatServer
import AyatStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The tamper-evident message log: checkpoints, verification, proofs, export.",
        discussion: """
            Every message sent to or received from a bank is a leaf of an RFC 6962 Merkle tree; \
            checkpoints are C2SP signed notes (Ed25519, key in STATE/audit/log.key, verifier key in \
            STATE/audit/log.vkey). An auditor verifies an export bundle with nothing but the bundle.
            """,
        subcommands: [Checkpoint.self, Verify.self, Prove.self, Consistency.self, Export.self]
    )

    static func open(_ state: StateOption) throws -> (StateDirectory, SQLiteStore, AuditLog) {
        let directory = state.directory
        let store = try OrdersCommand.openStore(state)
        let configuration = try directory.loadGatewayConfiguration()
        let signer = try AuditLogKey.loadOrCreate(directory, centreID: configuration.centreID)
        return (directory, store, AuditLog(store: store, signer: signer, logger: Console.logger("ayat.audit")))
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign a checkpoint of the log as it stands now and print it.")
        @OptionGroup var state: StateOption

        func run() async throws {
            let (_, _, log) = try AuditCommand.open(state)
            print(try await log.checkpoint().serialized, terminator: "")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the whole log: leaves against messages, the tree, every checkpoint, every message's signature.",
            discussion: "With --bundle DIR, verify an export bundle using only what it contains. Exit 0 when everything verifies, 1 otherwise."
        )
        @OptionGroup var state: StateOption
        @Option(help: ArgumentHelp("Verify an export bundle instead of a state directory.", valueName: "DIR"))
        var bundle: String?

        func run() async throws {
            let report: AuditVerification
            if let bundle {
                report = try AuditBundle.verify(URL(fileURLWithPath: bundle))
            } else {
                let (directory, store, log) = try AuditCommand.open(state)
                report = try await AuditVerification.verify(state: directory, store: store, verifier: await log.verifier, origin: log.origin)
            }
            print(report.rendered)
            if !report.isClean { throw ExitCode(1) }
        }
    }

    struct Prove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a C2SP tlog-proof for one message: its index, inclusion proof and a signed checkpoint."
        )
        @OptionGroup var state: StateOption
        @Argument(help: "The message id (AYT… for ours, the bank's id for theirs).") var messageID: String
        @Option(help: ArgumentHelp("Write the proof here instead of stdout.", valueName: "FILE")) var out: String?

        func run() async throws {
            let (_, store, log) = try AuditCommand.open(state)
            guard let index = try await store.auditIndex(ofMessage: MessageID(rawValue: messageID)) else {
                throw CommandFailure("no message \(messageID) in the log")
            }
            let checkpoint = try await log.checkpoint()
            let proof = try await AuditProofs.proof(index: index, checkpoint: checkpoint, store: store)
            if let out {
                try proof.serialized.write(toFile: out, atomically: true, encoding: .utf8)
                print("proof for leaf \(index) against tree size \(checkpoint.checkpoint.size) written to \(out)")
            } else {
                print(proof.serialized, terminator: "")
            }
        }
    }

    struct Consistency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the RFC 6962 consistency proof between two checkpoints' tree sizes, one base64 hash a line, and check it."
        )
        @OptionGroup var state: StateOption
        @Option(help: "The older tree size.") var from: UInt64
        @Option(help: "The newer tree size.") var to: UInt64

        func run() async throws {
            let (_, store, log) = try AuditCommand.open(state)
            let checkpoints = try await store.checkpoints()
            guard let old = checkpoints.first(where: { $0.size == from }), let new = checkpoints.first(where: { $0.size == to }) else {
                throw CommandFailure("no signed checkpoint of size \(from) and \(to); sizes signed: \(checkpoints.map { String($0.size) }.joined(separator: ", "))")
            }
            guard from > 0 else {
                FileHandle.standardError.write(Data("consistent: the empty tree is a prefix of every tree (the proof is empty)\n".utf8))
                return
            }
            let proof = try await AuditProofs.consistency(from: from, to: to, store: store)
            let oldRoot = try SignedCheckpoint(parsing: old.note)
            let newRoot = try SignedCheckpoint(parsing: new.note)
            _ = try oldRoot.verify(using: [log.verifier], origin: log.origin)
            _ = try newRoot.verify(using: [log.verifier], origin: log.origin)
            try MerkleProofVerifier.verifyConsistency(
                oldSize: from, newSize: to, proof: proof, oldRoot: oldRoot.checkpoint.rootHash, newRoot: newRoot.checkpoint.rootHash
            )
            for hash in proof { print(hash.base64) }
            FileHandle.standardError.write(Data("consistent: checkpoint \(from) is a prefix of checkpoint \(to)\n".utf8))
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a self-contained audit bundle: messages as sent, leaves, proofs, certificates, checkpoint, log key, manifest.json."
        )
        @OptionGroup var state: StateOption
        @Option(help: ArgumentHelp("The bundle directory to create.", valueName: "DIR")) var out: String

        func run() async throws {
            let (directory, store, log) = try AuditCommand.open(state)
            let summary = try await AuditBundle.export(state: directory, store: store, log: log, to: URL(fileURLWithPath: out))
            print(summary)
        }
    }
}
