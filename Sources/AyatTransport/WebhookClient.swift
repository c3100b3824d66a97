import Foundation
import AsyncHTTPClient
import NIOCore

/// Posts webhooks to the case system: HTTPS with the system's trust store (or
/// plain HTTP on a trusted network), no redirects, timeouts always set.
public final class WebhookClient: Sendable {
    private let http: HTTPClient
    private let timeout: TimeAmount

    public init(timeout: Double = 10) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .milliseconds(Int64(timeout * 1000)))
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration.untraced())
        self.timeout = .milliseconds(Int64(timeout * 1000))
    }

    /// POSTs `body` and returns the status; a transport failure throws.
    public func post(_ url: String, body: [UInt8], headers: [String: String]) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: timeout)
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }
}
