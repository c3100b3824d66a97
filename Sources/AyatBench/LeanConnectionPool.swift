import Foundation
import NIOCore
import NIOHTTP1

/// Kept-alive connections to the API for the load generator: a request takes an idle one or
/// opens another, and gives it back when its answer is in. A connection that failed is closed,
/// not given back.
actor LeanConnectionPool {
    private let host: String
    private let port: Int
    private var idle: [LeanHTTPConnection] = []
    private var opened: [LeanHTTPConnection] = []

    /// `baseURL` as the API announces it: `http://HOST:PORT`.
    init?(baseURL: String) {
        guard let url = URL(string: baseURL), url.scheme == "http", let host = url.host, let port = url.port else { return nil }
        self.host = host
        self.port = port
    }

    /// One request and its answer, on an idle connection or a new one. A kept-alive connection
    /// the server has just closed fails the request before it is read, so a request that fails
    /// on a reused connection is sent once more on a new one: the load generator's requests are
    /// idempotent (each order carries its own Idempotency-Key; event pages are reads).
    nonisolated func exchange(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: ByteBuffer? = nil
    ) async throws -> LeanHTTPConnection.Response {
        let (connection, reused) = try await take()
        do {
            let response = try await connection.send(method, path, headers: headers, body: body)
            await give(connection)
            return response
        } catch where reused && !Task.isCancelled {
            await connection.close()
            let (fresh, _) = try await take(reusing: false)
            let response = try await fresh.send(method, path, headers: headers, body: body)
            await give(fresh)
            return response
        }
    }

    private func take(reusing: Bool = true) async throws -> (LeanHTTPConnection, reused: Bool) {
        while reusing, let connection = idle.popLast() {
            if connection.isOpen { return (connection, true) }
        }
        let connection = try await LeanHTTPConnection.connect(host: host, port: port)
        // Kept for closing at the end; the ones the server already closed need no keeping.
        opened.removeAll { !$0.isOpen }
        opened.append(connection)
        return (connection, false)
    }

    private func give(_ connection: LeanHTTPConnection) {
        if connection.isOpen { idle.append(connection) }
    }

    func closeAll() async {
        let all = opened
        opened = []
        idle = []
        for connection in all { await connection.close() }
    }
}
