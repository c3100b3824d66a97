import Hummingbird
import NIOCore
import NIOSSL

/// The request context of the banks' inbound listener: it keeps the connection,
/// so a handler can ask which client certificate the bank presented.
public struct InboundRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The client certificate the TLS handshake verified (nil on a plain connection).
    func peerCertificate() async throws -> NIOSSLCertificate? {
        try await channel.nioSSL_peerCertificate().get()
    }
}
