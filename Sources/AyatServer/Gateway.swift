import Foundation
import AyatCore
import AyatDelivery
import AyatDialects
import AyatPKI
import AyatStore
import AyatTransport
import Hummingbird
import Logging
import NIOSSL

/// A gateway assembled from a state directory: store, bank links, dispatcher and API.
public final class Gateway: Sendable {
    public let configuration: GatewayConfiguration
    public let store: any GatewayStore
    public let banks: BankDirectory
    public let feed: OrderStateFeed
    public let dispatcher: Dispatcher
    public let orders: OrdersAPI
    public let inbound: InboundAPI
    public let auditLog: AuditLog
    public let auditPages: AuditPages
    private let inboundTLS: TLSConfiguration
    private let logger: Logger

    public init(state: StateDirectory, logger: Logger, dispatcherSettings: Dispatcher.Settings = .init()) throws {
        let configuration = try state.loadGatewayConfiguration()
        let signing = try SigningIdentity(
            certificate: state.resolve(configuration.signing.certificate),
            privateKey: state.resolve(configuration.signing.privateKey)
        )
        let tlsIdentity = try TLSIdentity(
            certificate: state.resolve(configuration.tls.certificate),
            privateKey: state.resolve(configuration.tls.privateKey)
        )
        var links = [BankLink]()
        var bankRoots = [URL]()
        for (file, profile) in try state.loadBankProfiles() {
            do {
                let pinned = try profile.signing.certificates.flatMap { try PEMFile.readCertificates(state.resolve($0)) }
                let codec = try DialectRegistry.codec(for: profile.dialect, identity: signing, pinned: pinned)
                let tls = try MutualTLS.clientConfiguration(identity: tlsIdentity, trustRoots: state.resolve(profile.tls.trustRoots))
                let client = BankClient(tls: tls, connectTimeout: profile.timeouts.connect, requestTimeout: profile.timeouts.request)
                links.append(BankLink(profile: profile, codec: codec, client: client))
                bankRoots.append(state.resolve(profile.tls.trustRoots))
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw ConfigurationError(file: file.path, field: nil, reason: "\(error)")
            }
        }
        let store = try SQLiteStore(path: state.database.path)
        let banks = BankDirectory(links)
        let feed = OrderStateFeed()
        let dispatcher = Dispatcher(store: store, banks: banks, feed: feed, settings: dispatcherSettings, logger: logger)
        self.configuration = configuration
        self.store = store
        self.banks = banks
        self.feed = feed
        self.dispatcher = dispatcher
        self.orders = OrdersAPI(store: store, banks: banks, centreID: configuration.centreID, onAccepted: { dispatcher.nudge() })
        self.inbound = InboundAPI(store: store, banks: banks, feed: feed)
        self.auditLog = AuditLog(
            store: store, signer: try AuditLogKey.loadOrCreate(state, centreID: configuration.centreID), logger: logger
        )
        self.auditPages = AuditPages(
            state: state, store: store, log: auditLog, credential: try AuditorCredential.loadOrCreate(state).credential
        )
        self.inboundTLS = try MutualTLS.serverConfiguration(identity: tlsIdentity, clientTrustRoots: bankRoots)
        self.logger = logger
    }

    /// The case system's HTTP API. `onRunning` receives the bound port.
    public func application(host: String? = nil, port: Int? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        GatewayApplication.build(
            orders: orders, auditPages: auditPages, host: host ?? configuration.listenHost, port: port ?? configuration.listenPort,
            logger: logger, onServerRunning: onRunning
        )
    }

    /// The banks' inbound endpoint (callbacks), over mutual TLS. `onRunning` receives the bound port.
    public func inboundApplication(host: String? = nil, port: Int? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        try GatewayApplication.buildInbound(
            inbound: inbound, tls: inboundTLS, host: host ?? configuration.listenHost, port: port ?? configuration.inboundPort,
            logger: logger, onServerRunning: onRunning
        )
    }

    /// Closes the connections to the banks (idempotent).
    public func shutdown() async {
        await banks.shutdown()
    }
}
