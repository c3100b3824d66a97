import Foundation
import AyatDelivery
import AyatStore
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL

/// Builds the gateway's HTTP application (the case system's API) from its parts.
public enum GatewayApplication {
    public static func buildRouter(orders: OrdersAPI, auditPages: AuditPages? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        router.get("/healthz") { _, _ in "ok" }
        orders.addRoutes(to: router)
        auditPages?.addRoutes(to: router)
        return router
    }

    /// The banks' inbound endpoint: mutual TLS with the banks' client certificates.
    public static func buildInbound(
        inbound: InboundAPI, tls: TLSConfiguration, host: String, port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = Router(context: InboundRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.get("/healthz") { _, _ in "ok" }
        inbound.addRoutes(to: router)
        return Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "ayat-inbound"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// - Parameter onServerRunning: receives the bound port (useful with port 0).
    public static func build(
        orders: OrdersAPI, auditPages: AuditPages? = nil, host: String, port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(orders: orders, auditPages: auditPages),
            configuration: .init(address: .hostname(host, port: port), serverName: "ayat"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
