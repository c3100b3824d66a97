import Foundation
import GRDB
import Testing
import AyatAudit
import AyatCore
import AyatSandbox
import AyatServer
import AyatStore

/// The audit log end to end: real orders through real banks, then the log
/// checked by Ayat, by an export bundle alone, and by independent tools.
@Suite struct AuditLogTests {
    /// Runs two orders to execution, signs a checkpoint, and hands the state to `body`, removing it afterwards.
    func withLoggedState(_ body: (StateDirectory) async throws -> Void) async throws {
        try await withTemporaryState { state in
            try await withDeployment(state: state) { deployment in
                for (bank, number, holder) in [
                    ("014", "1402339876", "สมชาย ใจดี"), ("004", "0048812230", "ประเสริฐ มั่นคง"), ("025", "0251234567", "ชยพล วงศ์ใหญ่"),
                ] {
                    let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(bank: bank, number: number, holder: holder))
                    let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
                    try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
                }
                try await deployment.gateway.auditLog.checkpoint()
            }
            try await body(state)
        }
    }

    func verify(_ state: StateDirectory) async throws -> AuditVerification {
        let store = try SQLiteStore(path: state.database.path)
        let log = AuditLog(store: store, signer: try AuditLogKey.loadOrCreate(state, centreID: "THACC"), logger: testLogger)
        return try await AuditVerification.verify(state: state, store: store, verifier: await log.verifier, origin: log.origin)
    }

    func database(_ state: StateDirectory) throws -> DatabaseQueue {
        try DatabaseQueue(path: state.database.path)
    }

    @Test func anUntouchedLogVerifiesAndEveryMessageSignatureChecksOut() async throws {
        try await withLoggedState { state in
            let report = try await verify(state)
            #expect(report.isClean, "\(report.rendered)")
            // Two orders, each an outbound order and at least one signed reply (three for the callback bank).
            #expect(report.leafCount >= 4)
            #expect(report.signaturesVerified == Int(report.leafCount))
            #expect(report.checkpointsVerified >= 1)
        }
    }

    /// The periodic checkpoint and one asked for over the API can overlap. Run at once, they used
    /// to extend the one accumulator twice ("leaves 0..<N are missing from the log") and leave
    /// it wrong for every later checkpoint.
    @Test func concurrentCheckpointsAreMadeOneAtATime() async throws {
        try await withLoggedState { state in
            let store = try SQLiteStore(path: state.database.path)
            let log = AuditLog(store: store, signer: try AuditLogKey.loadOrCreate(state, centreID: "THACC"), logger: testLogger)
            let sizes = try await withThrowingTaskGroup(of: UInt64.self) { group in
                for _ in 0..<8 { group.addTask { try await log.checkpoint().checkpoint.size } }
                return try await group.reduce(into: Set<UInt64>()) { $0.insert($1) }
            }
            #expect(sizes == [try await store.auditSize()])
            let report = try await verify(state)
            #expect(report.isClean, "\(report.rendered)")
        }
    }

    @Test func oneChangedByteInAStoredMessageIsNamed() async throws {
        try await withLoggedState { state in
            try await database(state).write { db in
                try db.execute(sql: "UPDATE messages SET bytes = CAST(REPLACE(CAST(bytes AS TEXT), '15000.00', '15900.00') AS BLOB) WHERE seq = 1")
            }
            let report = try await verify(state)
            #expect(!report.isClean)
            #expect(report.problems.contains { $0.contains("leafHashMismatch") && $0.contains("leaf 0") })
            #expect(report.problems.contains { $0.contains("leaf 0") && $0.contains("does not verify") })
        }
    }

    @Test func aDeletedMessageIsNamed() async throws {
        try await withLoggedState { state in
            try await database(state).writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: "DELETE FROM messages WHERE seq = 2")
            }
            let report = try await verify(state)
            #expect(report.problems.contains { $0.contains("leaf 1: its stored message is missing") })
        }
    }

    @Test func twoSwappedMessagesAreNamed() async throws {
        try await withLoggedState { state in
            try await database(state).write { db in
                let first = try Data.fetchOne(db, sql: "SELECT bytes FROM messages WHERE seq = 1")
                let third = try Data.fetchOne(db, sql: "SELECT bytes FROM messages WHERE seq = 3")
                try db.execute(sql: "UPDATE messages SET bytes = ? WHERE seq = 1", arguments: [third])
                try db.execute(sql: "UPDATE messages SET bytes = ? WHERE seq = 3", arguments: [first])
            }
            let report = try await verify(state)
            let mismatches = report.problems.filter { $0.contains("leafHashMismatch") }
            #expect(mismatches.count == 2)
            #expect(mismatches.contains { $0.contains("leaf 0") } && mismatches.contains { $0.contains("leaf 2") })
        }
    }

    @Test func aRewrittenCheckpointIsNamed() async throws {
        try await withLoggedState { state in
            try await database(state).write { db in
                let note = try String.fetchOne(db, sql: "SELECT note FROM checkpoints ORDER BY tree_size DESC LIMIT 1") ?? ""
                var lines = note.components(separatedBy: "\n")
                lines[2] = MerkleHash.leaf(Array("forged".utf8)).base64
                try db.execute(sql: "UPDATE checkpoints SET note = ? WHERE tree_size = (SELECT MAX(tree_size) FROM checkpoints)",
                               arguments: [lines.joined(separator: "\n")])
            }
            let report = try await verify(state)
            #expect(report.problems.contains { $0.contains("checkpointSignatureInvalid") })
        }
    }

    @Test func consecutiveCheckpointsAreProvablyConsistent() async throws {
        try await withDeployment { deployment in
            var sizes = [UInt64]()
            for number in ["1409912345", "1400001111"] {
                let holder = number == "1409912345" ? "วิภาวดี ศรีสุข" : "บริษัท ทองคำ เทรดดิ้ง จำกัด"
                let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(number: number, holder: holder))
                let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
                try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
                sizes.append(try await deployment.gateway.auditLog.checkpoint().checkpoint.size)
            }
            let checkpoints = try await deployment.gateway.store.checkpoints()
            let roots = try sizes.map { size in try SignedCheckpoint(parsing: try #require(checkpoints.first { $0.size == size }).note).checkpoint.rootHash }
            let proof = try await AuditProofs.consistency(from: sizes[0], to: sizes[1], store: deployment.gateway.store)
            try MerkleProofVerifier.verifyConsistency(oldSize: sizes[0], newSize: sizes[1], proof: proof, oldRoot: roots[0], newRoot: roots[1])
            #expect(throws: (any Error).self) {
                try MerkleProofVerifier.verifyConsistency(oldSize: sizes[0], newSize: sizes[1], proof: proof, oldRoot: roots[1], newRoot: roots[1])
            }
        }
    }

    @Test func anExportBundleVerifiesAloneAndATamperedFileIsNamed() async throws {
        try await withLoggedState { state in
            let store = try SQLiteStore(path: state.database.path)
            let log = AuditLog(store: store, signer: try AuditLogKey.loadOrCreate(state, centreID: "THACC"), logger: testLogger)
            let bundle = state.url.appending(path: "bundle")
            _ = try await AuditBundle.export(state: state, store: store, log: log, to: bundle)

            let clean = try AuditBundle.verify(bundle)
            #expect(clean.isClean, "\(clean.rendered)")
            #expect(clean.checkpointsVerified >= 2, "every checkpoint up to the exported one is in the bundle and checked")

            let manifest = try JSONDecoder().decode(AuditBundle.Manifest.self, from: Data(contentsOf: bundle.appending(path: "manifest.json")))
            #expect(manifest.messages.map(\.direction).contains("out") && manifest.messages.map(\.direction).contains("in"))
            let first = try #require(manifest.messages.first)
            let file = bundle.appending(path: first.file)
            var bytes = [UInt8](try Data(contentsOf: file))
            bytes[bytes.count / 2] ^= 0x01
            try Data(bytes).write(to: file)
            let tampered = try AuditBundle.verify(bundle)
            #expect(tampered.problems.contains { $0.contains("leaf 0") && $0.contains("differs from the logged message bytes") })
        }
    }

    /// Python (`cryptography`) recomputes the RFC 6962 root from the bundle's
    /// leaves and checks the checkpoint's Ed25519 signature; xmlsec1 verifies
    /// every exported XML message with the exported certificate.
    @Test func independentToolsVerifyTheExportBundle() async throws {
        guard let python = ExternalTool.require("python3") else { return }
        try await withLoggedState { state in
            let store = try SQLiteStore(path: state.database.path)
            let log = AuditLog(store: store, signer: try AuditLogKey.loadOrCreate(state, centreID: "THACC"), logger: testLogger)
            let bundle = state.url.appending(path: "bundle")
            _ = try await AuditBundle.export(state: state, store: store, log: log, to: bundle)

            let script = state.url.appending(path: "check_bundle.py")
            try BundleCheckScript.source.write(to: script, atomically: true, encoding: .utf8)
            let run = try await ExternalTool.run(python, [script.path, bundle.path])
            if run.output.contains("No module named 'cryptography'") {
                if ExternalTool.onCI { Issue.record("python cryptography is required on CI") }
                return
            }
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("root matches"))

            // joserfc checks every exported JSON-dialect message (an HTTP message file) against its bundled certificate.
            let jose = state.url.appending(path: "check_jose.py")
            try BundleCheckScript.joserfc.write(to: jose, atomically: true, encoding: .utf8)
            let joseRun = try await ExternalTool.run(python, [jose.path, bundle.path])
            if joseRun.output.contains("No module named 'joserfc'") {
                if ExternalTool.onCI { Issue.record("python joserfc is required on CI") }
            } else {
                #expect(joseRun.status == 0, "\(joseRun.output)")
                #expect(joseRun.output.contains("joserfc verified"), "\(joseRun.output)")
                #expect(!joseRun.output.contains("verified 0 "), "the bundle must hold JSON-dialect messages")
            }

            guard let xmlsec1 = ExternalTool.require("xmlsec1") else { return }
            let manifest = try JSONDecoder().decode(AuditBundle.Manifest.self, from: Data(contentsOf: bundle.appending(path: "manifest.json")))
            for message in manifest.messages where message.file.hasSuffix(".xml") {
                let result = try await ExternalTool.run(xmlsec1, [
                    "--verify", "--pubkey-cert-pem", bundle.appending(path: message.signerCertificate).path,
                    "--id-attr:Id", "KeyInfo", "--id-attr:Id", "urn:ayat:iso20022-bah:1:Document", bundle.appending(path: message.file).path,
                ])
                #expect(result.status == 0, "xmlsec1 refused \(message.file): \(result.output)")
            }
        }
    }
}

/// An auditor's few lines of Python: nothing from Ayat but the bundle's files.
enum BundleCheckScript {
    static let joserfc = #"""
import base64, json, os, sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from joserfc import jws
from joserfc.jwk import import_key
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

bundle = sys.argv[1]
manifest = json.load(open(os.path.join(bundle, "manifest.json")))
custom = {name: HeaderParameter(name, "str") for name in
          ["iss", "tan", "FSPIOP-URI", "FSPIOP-HTTP-Method", "FSPIOP-Source", "FSPIOP-Destination", "FSPIOP-Date"]}
custom["iat"] = HeaderParameter("iat", "int")
checked = 0
for message in manifest["messages"]:
    if not message["file"].endswith(".http"):
        continue
    raw = open(os.path.join(bundle, message["file"]), "rb").read()
    head, body = raw.split(b"\r\n\r\n", 1)
    headers = {}
    for line in head.decode().split("\r\n")[1:]:
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = value.strip()
    if "x-jws-signature" in headers:
        token = headers["x-jws-signature"]
    else:
        signed = json.loads(headers["fspiop-signature"])
        token = signed["protectedHeader"] + ".." + signed["signature"]
    protected = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=" * (-len(token.split(".")[0]) % 4)))
    alg = protected["alg"]
    cert = x509.load_pem_x509_certificate(open(os.path.join(bundle, message["signerCertificate"]), "rb").read())
    pem = cert.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    key = import_key(pem, "RSA" if alg[0] in "RP" else "EC")
    registry = JWSRegistry(header_registry=custom, algorithms=[alg])
    registry.max_header_length = 8192
    registry.max_payload_length = 1 << 20
    obj = jws.deserialize_compact(token, key, algorithms=[alg], registry=registry, payload=body)
    assert obj.payload == body, message["file"]
    checked += 1
print("joserfc verified %d JSON-dialect messages" % checked)
"""#

    static let source = #"""
import base64, hashlib, json, os, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

bundle = sys.argv[1]
manifest = json.load(open(os.path.join(bundle, "manifest.json")))
leaves = [open(os.path.join(bundle, m["leaf"]), "rb").read() for m in manifest["messages"]]

def mth(hashes):
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(hashes[:k]) + mth(hashes[k:])).digest()

leaf_hashes = [hashlib.sha256(b"\x00" + leaf).digest() for leaf in leaves]
root = mth(leaf_hashes) if leaf_hashes else hashlib.sha256(b"").digest()

note = open(os.path.join(bundle, manifest["checkpoint"]), encoding="utf-8").read()
text, signatures = note.split("\n\n", 1)
text += "\n"
origin, size, root_b64 = text.split("\n")[:3]
assert int(size) == len(leaves), f"checkpoint size {size} != {len(leaves)} leaves"
assert base64.b64decode(root_b64) == root, "root mismatch"

name, key_hash, key_b64 = open(os.path.join(bundle, manifest["logKey"])).read().strip().split("+", 2)
key = base64.b64decode(key_b64)
assert key[0] == 1, "not an Ed25519 verifier key"
key_id = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]
assert key_id.hex() == key_hash, "key id mismatch"
verified = False
for line in signatures.splitlines():
    if not line.startswith("\u2014 "):
        continue
    signer, blob = line[2:].split(" ")
    blob = base64.b64decode(blob)
    if signer == name and blob[:4] == key_id:
        Ed25519PublicKey.from_public_bytes(key[1:]).verify(blob[4:], text.encode())
        verified = True
assert verified, "no valid signature by the log key"
print(f"root matches checkpoint of size {size}; signature by {name} verified")
"""#
}
