import Foundation
import AsyncHTTPClient
import NIOCore
import NIOSSL
import NIOHTTP1

/// What came back from a bank: status, headers and the exact body bytes.
public struct BankResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Headers by lower-cased name (first value wins).
    public var headerDictionary: [String: String] {
        Dictionary(headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The headers that carry signatures in JSON dialects, kept with the stored reply.
    public var signatureHeaders: [String: String] {
        headerDictionary.filter { $0.key.contains("signature") || $0.key.hasPrefix("fspiop-") }
    }
}

/// An mTLS HTTP client for one bank: its own connection pool, our client
/// identity, the bank's trust roots, and timeouts that are always set.
public final class BankClient: Sendable {
    private let http: HTTPClient
    private let requestTimeout: TimeAmount
    /// The most a bank reply may weigh; anything larger is a fault, not a receipt.
    public static let maxResponseBytes = 1 << 20

    /// - Parameter connections: kept-alive connections to the bank; as many as requests the
    ///   gateway lets fly at it at once, so none queues for a connection.
    public init(tls: TLSConfiguration, connectTimeout: Double = 5, requestTimeout: Double = 15, connections: Int = 8) {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(connections, 1)
        configuration.timeout = .init(connect: .milliseconds(Int64(connectTimeout * 1000)), read: .milliseconds(Int64(requestTimeout * 1000)))
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration.untraced())
        self.requestTimeout = .milliseconds(Int64(requestTimeout * 1000))
    }

    /// POSTs the exact bytes given; a transport failure throws.
    public func post(_ url: String, body: [UInt8], contentType: String, headers: [String: String] = [:]) async throws -> BankResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: requestTimeout)
        let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
        return BankResponse(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Array(buffer.readableBytesView)
        )
    }

    /// GETs a URL (poll banks' status endpoints).
    public func get(_ url: String, headers: [String: String] = [:]) async throws -> BankResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await http.execute(request, timeout: requestTimeout)
        let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
        return BankResponse(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Array(buffer.readableBytesView)
        )
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }
}
