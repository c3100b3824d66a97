import Foundation
import AyatAudit
import AyatCore
import AyatStore
import Hummingbird
import HTTPTypes
import X509

/// The auditor's pages under `/audit`: server-rendered HTML, no JavaScript.
/// Checkpoints, a search by case, order, bank and time, and each message's
/// exact bytes with its signature status and inclusion proof.
public struct AuditPages: Sendable {
    let state: StateDirectory
    let store: any GatewayStore
    let log: AuditLog
    let credential: AuditorCredential

    public init(state: StateDirectory, store: any GatewayStore, log: AuditLog, credential: AuditorCredential) {
        self.state = state
        self.store = store
        self.log = log
        self.credential = credential
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/audit") { request, _ in try await self.guarded(request) { try await self.index(request) } }
        router.get("/audit/messages/:index") { request, context in
            try await self.guarded(request) {
                guard let index = UInt64(try context.parameters.require("index")) else { throw Problem.notFound("no such leaf") }
                return try await self.message(index)
            }
        }
    }

    private func guarded(_ request: Request, _ page: () async throws -> String) async throws -> Response {
        guard credential.accepts(authorization: request.headers[.authorization]) else {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Basic realm=\"Ayat audit\", charset=\"UTF-8\"", .contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "auditor credential required\n"))
            )
        }
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: try await page()))
        )
    }

    // MARK: Pages

    func index(_ request: Request) async throws -> String {
        let query = request.uri.queryParameters
        let caseFilter = query["case"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let orderFilter = query["order"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let bankFilter = query["bank"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let from = query["from"].map(String.init).flatMap(Timestamp.parse)
        let to = query["to"].map(String.init).flatMap(Timestamp.parse)

        let checkpoints = try await store.checkpoints()
        let size = try await store.auditSize()
        let signers = try AuditVerification.Signers(state: state)
        let entries = try await store.auditEntries(0..<size).filter { entry in
            guard let message = entry.message else { return caseFilter == nil && orderFilter == nil && bankFilter == nil }
            if let caseFilter, entry.caseID != caseFilter { return false }
            if let orderFilter, message.orderID.rawValue != orderFilter { return false }
            if let bankFilter, message.bank.rawValue != bankFilter { return false }
            if let from, message.recordedAt < from { return false }
            if let to, message.recordedAt > to { return false }
            return true
        }

        var html = Self.head("Ayat audit log")
        html += "<h1>Ayat audit log</h1><p>\(size) messages logged · origin <code>\(Self.escape(log.origin))</code></p>"
        html += "<h2>Checkpoints</h2><table><tr><th>tree size</th><th>issued</th><th>root hash</th></tr>"
        for checkpoint in checkpoints.suffix(20).reversed() {
            let root = (try? SignedCheckpoint(parsing: checkpoint.note))?.checkpoint.rootHash.base64 ?? "unreadable"
            html += "<tr><td>\(checkpoint.size)</td><td>\(Timestamp.format(checkpoint.issuedAt))</td><td><code>\(root)</code></td></tr>"
        }
        html += "</table>"
        html += """
            <h2>Messages</h2>
            <form method="get" action="/audit">
            <label>case <input name="case" value="\(Self.escape(caseFilter ?? ""))"></label>
            <label>order <input name="order" value="\(Self.escape(orderFilter ?? ""))"></label>
            <label>bank <input name="bank" size="4" value="\(Self.escape(bankFilter ?? ""))"></label>
            <label>from <input name="from" value="\(Self.escape(query["from"].map(String.init) ?? ""))"></label>
            <label>to <input name="to" value="\(Self.escape(query["to"].map(String.init) ?? ""))"></label>
            <button type="submit">search</button></form>
            <table><tr><th>leaf</th><th>recorded</th><th>dir</th><th>bank</th><th>dialect</th><th>kind</th><th>message</th><th>order</th><th>case</th><th>signature</th></tr>
            """
        for entry in entries.suffix(500) {
            guard let message = entry.message else {
                html += "<tr class=\"bad\"><td>\(entry.index)</td><td colspan=\"9\">stored message missing</td></tr>"
                continue
            }
            let status = Self.status(message, entry: entry, pinned: signers.certificates(for: message))
            html += """
                <tr class="\(status.ok ? "ok" : "bad")"><td><a href="/audit/messages/\(entry.index)">\(entry.index)</a></td>\
                <td>\(Timestamp.format(message.recordedAt))</td><td>\(message.direction.rawValue)</td><td>\(message.bank)</td>\
                <td>\(Self.escape(message.dialect))</td><td>\(Self.escape(message.kind))</td>\
                <td><code>\(Self.escape(message.messageID?.rawValue ?? "-"))</code></td><td><code>\(message.orderID)</code></td>\
                <td>\(Self.escape(entry.caseID ?? ""))</td><td class="status">\(Self.escape(status.text))</td></tr>
                """
        }
        return html + "</table></body></html>"
    }

    func message(_ index: UInt64) async throws -> String {
        guard let entry = try await store.auditEntries(index..<(index + 1)).first else { throw Problem.notFound("no leaf \(index)") }
        var html = Self.head("Leaf \(index) · Ayat audit")
        html += "<p><a href=\"/audit\">← all messages</a></p><h1>Leaf \(index)</h1>"
        guard let message = entry.message else { return html + "<p class=\"bad\">The stored message is missing.</p></body></html>" }
        let signers = try AuditVerification.Signers(state: state)
        let status = Self.status(message, entry: entry, pinned: signers.certificates(for: message))
        html += """
            <table>
            <tr><th>message</th><td><code>\(Self.escape(message.messageID?.rawValue ?? "-"))</code> (\(Self.escape(message.kind)), \(message.direction.rawValue))</td></tr>
            <tr><th>bank · dialect</th><td>\(message.bank) · \(Self.escape(message.dialect))</td></tr>
            <tr><th>order · case</th><td><code>\(message.orderID)</code> · \(Self.escape(entry.caseID ?? ""))</td></tr>
            <tr><th>recorded</th><td>\(Timestamp.format(message.recordedAt))</td></tr>
            <tr><th>request</th><td><code>\(Self.escape(message.requestLine ?? "-"))</code></td></tr>
            <tr><th>signature</th><td class="status \(status.ok ? "ok" : "bad")">\(Self.escape(status.text))</td></tr>
            <tr><th>leaf hash</th><td><code>\(entry.leafHash.hex)</code></td></tr>
            </table>
            """
        for (name, value) in message.headers.sorted(by: { $0.key < $1.key }) {
            html += "<p><code>\(Self.escape(name)): \(Self.escape(value))</code></p>"
        }
        html += "<h2>Bytes (\(message.bytes.count))</h2><pre>\(Self.escape(String(decoding: message.bytes, as: UTF8.self)))</pre>"
        let checkpoint = try await log.checkpoint()
        if let proof = try? await AuditProofs.proof(index: index, checkpoint: checkpoint, store: store) {
            let verified = (try? proof.verify(leafHash: entry.leafHash, verifiers: [log.verifier], origin: log.origin)) != nil
            html += "<h2>Inclusion proof (\(verified ? "verifies" : "DOES NOT VERIFY") against tree size \(checkpoint.checkpoint.size))</h2>"
            html += "<pre>\(Self.escape(proof.serialized))</pre>"
        }
        return html + "</body></html>"
    }

    // MARK: Helpers

    static func status(_ message: StoredMessage, entry: AuditEntry, pinned: [Certificate]) -> (ok: Bool, text: String) {
        guard entry.leaf?.leafHash == entry.leafHash else { return (false, "altered since logged") }
        do {
            try MessageSignatures.verify(message, pinned: pinned)
            return (true, "signature verified")
        } catch {
            return (false, "signature invalid: \(error)")
        }
    }

    static func head(_ title: String) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
        td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}
        tr.ok td.status,td.ok{color:#146c2e}tr.bad td,td.bad,.bad{color:#a01010}pre{background:#f7f7f7;padding:1em;white-space:pre-wrap;word-break:break-all}
        code{font-size:12px}form label{margin-right:1em}</style></head><body>
        """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
