import Foundation
import AyatAudit
import AyatCore
import AyatDialects
import AyatPKI
import AyatStore
import X509

/// A self-contained audit bundle, checkable without Ayat's database:
///
/// ```
/// manifest.json            every message: index, id, direction, bank, dialect, kind, order, case,
///                          recordedAt, file, leaf, proof, signerCertificate (paths relative to the bundle)
/// messages/NNNNNN-ID.xml   XML messages, byte for byte as sent or received
/// messages/NNNNNN-ID.http  JSON messages as HTTP messages: request line, headers, blank line, body
/// leaves/NNNNNN.leaf       the exact leaf bytes (ayat-audit-leaf/v1) hashed into the tree
/// proofs/NNNNNN.tlog-proof C2SP tlog-proof of each leaf against the checkpoint
/// certs/*.pem              the signers' certificates
/// checkpoint.note          the signed checkpoint the proofs refer to
/// checkpoints/SIZE.note    every checkpoint the log signed up to it (their consistency is checked too)
/// log.vkey                 the log's verifier key
/// ```
public enum AuditBundle {
    public struct Manifest: Codable, Sendable {
        public struct Message: Codable, Sendable {
            public var index: UInt64
            public var id: String?
            public var direction: String
            public var bank: String
            public var dialect: String
            public var kind: String
            public var order: String
            public var `case`: String
            public var recordedAt: String
            public var file: String
            public var leaf: String
            public var proof: String
            public var signerCertificate: String
        }
        public var format = "ayat-audit-bundle/v1"
        public var origin: String
        public var treeSize: UInt64
        public var rootHash: String
        public var checkpoint: String
        public var checkpoints: [String]
        public var logKey: String
        public var messages: [Message]
    }

    /// Writes the bundle for the whole log, under a fresh checkpoint. Returns a one-line summary.
    public static func export(state: StateDirectory, store: some GatewayStore, log: AuditLog, to directory: URL) async throws -> String {
        let fileManager = FileManager.default
        for sub in ["messages", "leaves", "proofs", "certs", "checkpoints"] {
            try fileManager.createDirectory(at: directory.appending(path: sub), withIntermediateDirectories: true)
        }
        let signed = try await log.checkpoint()
        let size = signed.checkpoint.size
        let entries = try await store.auditEntries(0..<size)
        let tree = MerkleTree(entries.map(\.leafHash))
        let signers = try AuditVerification.Signers(state: state)

        var certificateFiles = [String: String]()
        func certificateFile(for message: StoredMessage) throws -> String {
            let name = message.direction == .outbound ? "gateway-signing.pem" : "bank-\(message.bank)-signing.pem"
            if let existing = certificateFiles[name] { return existing }
            let pem = try signers.certificates(for: message).map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
            try pem.write(to: directory.appending(path: "certs/\(name)"), atomically: true, encoding: .utf8)
            certificateFiles[name] = "certs/\(name)"
            return "certs/\(name)"
        }

        var manifest = Manifest(
            origin: log.origin, treeSize: size, rootHash: signed.checkpoint.rootHash.base64,
            checkpoint: "checkpoint.note", checkpoints: [], logKey: "log.vkey", messages: []
        )
        for stored in try await store.checkpoints() where stored.size <= size {
            let path = "checkpoints/\(stored.size).note"
            try stored.note.write(to: directory.appending(path: path), atomically: true, encoding: .utf8)
            manifest.checkpoints.append(path)
        }
        for entry in entries {
            guard let message = entry.message, let leaf = entry.leaf else {
                throw AuditLogError("leaf \(entry.index) has no stored message: run `ayat audit verify`")
            }
            let number = String(format: "%06llu", entry.index)
            let isXML = message.contentType.contains("xml")
            let file = "messages/\(number)-\(message.messageID?.rawValue ?? "unidentified").\(isXML ? "xml" : "http")"
            try Data(isXML ? message.bytes : httpMessage(message)).write(to: directory.appending(path: file))
            try Data(leaf.encoded()).write(to: directory.appending(path: "leaves/\(number).leaf"))
            let proof = TLogProof(index: entry.index, inclusionProof: try tree.inclusionProof(index: entry.index, size: size), checkpoint: signed)
            try proof.serialized.write(to: directory.appending(path: "proofs/\(number).tlog-proof"), atomically: true, encoding: .utf8)
            manifest.messages.append(.init(
                index: entry.index, id: message.messageID?.rawValue, direction: message.direction.rawValue,
                bank: message.bank.rawValue, dialect: message.dialect, kind: message.kind, order: message.orderID.rawValue,
                case: leaf.caseID, recordedAt: Timestamp.format(message.recordedAt), file: file,
                leaf: "leaves/\(number).leaf", proof: "proofs/\(number).tlog-proof", signerCertificate: try certificateFile(for: message)
            ))
        }
        try signed.serialized.write(to: directory.appending(path: "checkpoint.note"), atomically: true, encoding: .utf8)
        try (await log.verifier.verifierKey + "\n").write(to: directory.appending(path: "log.vkey"), atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: directory.appending(path: "manifest.json"))
        return "exported \(entries.count) messages under checkpoint \(size) to \(directory.path)"
    }

    /// A JSON-dialect message as an HTTP message: the request line it travelled
    /// with (or answered), its content type and signature headers, a blank line, the body.
    public static func httpMessage(_ message: StoredMessage) -> [UInt8] {
        var head = "\(message.requestLine ?? "POST /") HTTP/1.1\r\ncontent-type: \(message.contentType)\r\n"
        for (name, value) in message.headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        return Array((head + "\r\n").utf8) + message.bytes
    }

    /// Verifies a bundle with nothing but its own files.
    public static func verify(_ directory: URL) throws -> AuditVerification {
        var result = AuditVerification()
        func read(_ path: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: directory.appending(path: path).path) else {
                throw AuditLogError("\(path) is missing from the bundle")
            }
            return [UInt8](data)
        }
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(try read("manifest.json")))
        let verifier = try AuditLogKey.loadVerifier(directory.appending(path: manifest.logKey))
        let checkpointText = String(decoding: try read(manifest.checkpoint), as: UTF8.self)

        var leaves = [[UInt8]]()
        for (position, entry) in manifest.messages.enumerated() {
            guard entry.index == UInt64(position) else {
                result.problems.append("manifest entry \(position) claims leaf \(entry.index): leaves are missing or out of order")
                continue
            }
            let leafBytes = try read(entry.leaf)
            leaves.append(leafBytes)
            let leaf: AuditLeaf
            do { leaf = try AuditLeaf(parsing: leafBytes) } catch {
                result.problems.append("leaf \(entry.index): \(entry.leaf) is not a leaf: \(error)")
                continue
            }
            // The message file must be exactly what the leaf logged.
            let file = try read(entry.file)
            let body = entry.file.hasSuffix(".http") ? httpBody(file) : file
            if body != leaf.bytes {
                result.problems.append("leaf \(entry.index): \(entry.file) differs from the logged message bytes\(firstDifference(body, leaf.bytes))")
            }
            // Its inclusion proof against the checkpoint.
            do {
                let proof = try TLogProof(parsing: try read(entry.proof))
                _ = try proof.verify(leafData: leafBytes, verifiers: [verifier], origin: manifest.origin)
            } catch {
                result.problems.append("leaf \(entry.index): inclusion proof \(entry.proof) does not verify: \(error)")
            }
            // Its signature against the bundled certificate, at the time it was recorded.
            do {
                let pinned = try PEMFile.readCertificates(directory.appending(path: entry.signerCertificate))
                let message = StoredMessage(
                    messageID: leaf.messageID, orderID: leaf.orderID, direction: leaf.direction, bank: leaf.bank, dialect: leaf.dialect,
                    kind: leaf.kind, contentType: leaf.contentType, recordedAt: leaf.recordedAt, bytes: leaf.bytes,
                    headers: leaf.headers, requestLine: leaf.requestLine
                )
                result.check(message, index: entry.index, pinned: pinned)
            } catch {
                result.problems.append("leaf \(entry.index): signer certificate \(entry.signerCertificate) unusable: \(error)")
            }
        }
        result.leafCount = UInt64(leaves.count)
        var checkpointTexts = try manifest.checkpoints.map { String(decoding: try read($0), as: UTF8.self) }
        if !checkpointTexts.contains(checkpointText) { checkpointTexts.append(checkpointText) }
        let report = AuditLogVerifier(verifiers: [verifier], origin: manifest.origin).verify(leaves: leaves, checkpoints: checkpointTexts)
        result.problems += report.findings.map(\.description)
        result.checkpointsVerified = report.verifiedCheckpoints.count
        return result
    }

    static func httpBody(_ message: [UInt8]) -> [UInt8] {
        guard let end = message.firstRange(of: Array("\r\n\r\n".utf8)) else { return message }
        return Array(message[end.upperBound...])
    }

    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        guard let offset = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else {
            return a.count == b.count ? "" : " (lengths \(a.count) and \(b.count))"
        }
        return " (first difference at byte \(offset))"
    }
}
