import NIOCore
import NIOHTTP1
import NIOPosix

/// One kept-alive HTTP/1.1 connection to the API that carries one exchange at a time: what a
/// load generator's worker needs, and nothing a general client adds (a pool shared by every
/// request, redirects, tracing, streamed bodies, deadlines per request). The load generator
/// shares the machine with the gateway, so what it spends per request is taken from the
/// gateway's share: the server side of an exchange costs 0.02 ms, AsyncHTTPClient's side two
/// to three times that.
final class LeanHTTPConnection: Sendable {
    struct Response: Sendable {
        let status: Int
        let body: ByteBuffer
    }

    struct Closed: Error, CustomStringConvertible {
        var description: String { "the connection closed before the answer was complete" }
    }

    private let channel: any Channel
    private let host: String

    private init(channel: any Channel, host: String) {
        self.channel = channel
        self.host = host
    }

    static func connect(host: String, port: Int) async throws -> LeanHTTPConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
            .connect(host: host, port: port)
            .get()
        return LeanHTTPConnection(channel: channel, host: "\(host):\(port)")
    }

    var isOpen: Bool { channel.isActive }

    /// Sends one request and waits for its whole answer. The caller sends the next only after.
    func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: ByteBuffer? = nil) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body { head.headers.add(name: "Content-Length", value: String(body.readableBytes)) }
        let answer = channel.eventLoop.makePromise(of: Response.self)
        // A write that fails (the connection closed before it got there) never reaches the
        // handler, so it fails the answer itself; a promise completed twice keeps its first result.
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { answer.fail($0) }
        channel.writeAndFlush(ExchangeHandler.Exchange(head: head, body: body, answer: answer), promise: written)
        // A cancelled exchange closes its connection: the answer can no longer be told from the next one's.
        return try await withTaskCancellationHandler {
            try await answer.futureResult.get()
        } onCancel: { [channel] in
            channel.close(promise: nil)
        }
    }

    func close() async {
        try? await channel.close()
    }
}

/// Writes a request and completes its promise with the answer; fails it if the connection goes first.
private final class ExchangeHandler: ChannelDuplexHandler {
    struct Exchange: Sendable {
        let head: HTTPRequestHead
        let body: ByteBuffer?
        let answer: EventLoopPromise<LeanHTTPConnection.Response>
    }

    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    private var waiting: EventLoopPromise<LeanHTTPConnection.Response>?
    private var status = 0
    private var body: ByteBuffer?
    private var keepAlive = true

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard waiting == nil else {
            // One exchange at a time: a second write fails, and so does its answer.
            promise?.fail(ChannelError.inappropriateOperationForState)
            exchange.answer.fail(ChannelError.inappropriateOperationForState)
            return
        }
        waiting = exchange.answer
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            keepAlive = head.isKeepAlive
            body = nil
        case .body(var part):
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            let answer = waiting
            waiting = nil
            // A server that will close the connection says so; it is not reused.
            if !keepAlive { context.close(promise: nil) }
            answer?.succeed(.init(status: status, body: body ?? ByteBuffer()))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(LeanHTTPConnection.Closed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        let answer = waiting
        waiting = nil
        answer?.fail(error)
    }
}
