import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing
@testable import AyatBench

/// The load generator's connections: kept alive while the server keeps them, replaced when it
/// does not, whether it says so (`Connection: close`) or just closes after answering.
@Suite("The load generator's connection pool")
struct LeanConnectionPoolTests {
    enum Closing: Sendable { case never, saying, silently }

    /// A server on 127.0.0.1, port 0, that answers every request with the number of requests its
    /// connection has carried, and counts the connections it accepted.
    struct CountingServer {
        let channel: any Channel
        let accepted: NIOLockedValueBox<Int>
        var baseURL: String { "http://127.0.0.1:\(channel.localAddress!.port!)" }

        static func start(closing: Closing) async throws -> CountingServer {
            let accepted = NIOLockedValueBox(0)
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { child in
                    accepted.withLockedValue { $0 += 1 }
                    return child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.configureHTTPServerPipeline()
                        try child.pipeline.syncOperations.addHandler(Answerer(closing: closing))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            return CountingServer(channel: channel, accepted: accepted)
        }
    }

    final class Answerer: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let closing: Closing
        var carried = 0
        init(closing: Closing) { self.closing = closing }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            carried += 1
            let body = ByteBuffer(string: "\(carried)")
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "Content-Length", value: String(body.readableBytes))
            if closing == .saying { head.headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
            if closing == .silently { done.futureResult.whenComplete { [context] _ in context.close(promise: nil) } }
        }
    }

    func exchanges(_ count: Int, closing: Closing) async throws -> (bodies: [String], connections: Int) {
        let server = try await CountingServer.start(closing: closing)
        let pool = try #require(LeanConnectionPool(baseURL: server.baseURL))
        var bodies = [String]()
        for _ in 0..<count {
            let response = try await pool.exchange(.GET, "/")
            #expect(response.status == 200)
            bodies.append(String(buffer: response.body))
        }
        await pool.closeAll()
        try await server.channel.close()
        return (bodies, server.accepted.withLockedValue { $0 })
    }

    @Test("a kept-alive connection carries every exchange")
    func keptAlive() async throws {
        let (bodies, connections) = try await exchanges(20, closing: .never)
        #expect(bodies == (1...20).map(String.init))
        #expect(connections == 1)
    }

    @Test("a server that says it will close gets a new connection for the next exchange")
    func closeSaid() async throws {
        let (bodies, connections) = try await exchanges(20, closing: .saying)
        #expect(bodies == Array(repeating: "1", count: 20))
        #expect(connections == 20)
    }

    @Test("a server that closes without saying so loses no exchange: one that fails on a reused connection is sent again")
    func closedSilently() async throws {
        let (bodies, connections) = try await exchanges(50, closing: .silently)
        #expect(bodies == Array(repeating: "1", count: 50))
        #expect(connections >= 50)
    }
}
