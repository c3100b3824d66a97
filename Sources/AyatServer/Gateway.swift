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
import ServiceLifecycle

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
    public let chaser: Chaser
    public let deadlineWatch: DeadlineWatch
    public let webhooks: [WebhookSender]
    private let inboundTLS: TLSConfiguration
    private let logger: Logger

    public init(
        state: StateDirectory, logger: Logger, dispatcherSettings: Dispatcher.Settings = .init(),
        watchInterval: Duration = .seconds(5)
    ) throws {
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
        var clientIssuers = [BankCode: Set<[UInt8]>]()
        for (file, profile) in try state.loadBankProfiles() {
            do {
                let pinned = try profile.signing.certificates.flatMap { try PEMFile.readCertificates(state.resolve($0)) }
                let codec = try DialectRegistry.codec(for: profile.dialect, identity: signing, pinned: pinned)
                let tls = try MutualTLS.clientConfiguration(identity: tlsIdentity, trustRoots: state.resolve(profile.tls.trustRoots))
                let client = BankClient(tls: tls, connectTimeout: profile.timeouts.connect, requestTimeout: profile.timeouts.request,
                                        connections: BankFlow.concurrencyLimit(of: profile.flow))
                links.append(BankLink(profile: profile, codec: codec, client: client))
                bankRoots.append(state.resolve(profile.tls.trustRoots))
                clientIssuers[profile.code] = Set(try PEMFile.readCertificates(state.resolve(profile.tls.trustRoots)).map { InboundAPI.derName($0.subject) })
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw ConfigurationError(file: file.path, field: nil, reason: "\(error)")
            }
        }
        let store = try SQLiteStore(path: state.database.path)
        let banks = BankDirectory(links)
        let feed = OrderStateFeed()
        let handoff = DeliveryHandoff()
        let intake = OrderIntake(store: store, banks: banks, centreID: configuration.centreID, handoff: handoff, feed: feed)
        let dispatcher = Dispatcher(store: store, banks: banks, feed: feed, settings: dispatcherSettings, logger: logger, intake: intake,
                                    handoff: handoff)
        self.configuration = configuration
        self.store = store
        self.banks = banks
        self.feed = feed
        self.dispatcher = dispatcher
        self.chaser = Chaser(store: store, intake: intake, feed: feed, chasingByDefault: configuration.chasing ?? false, logger: logger,
                             onOpened: { dispatcher.nudge() })
        var watch = DeadlineWatch.Settings()
        watch.atRiskMargin = configuration.atRiskMargin ?? watch.atRiskMargin
        watch.legalHold = configuration.legalHold ?? watch.legalHold
        watch.interval = watchInterval
        self.deadlineWatch = DeadlineWatch(store: store, feed: feed, settings: watch, logger: logger)
        self.webhooks = try (configuration.webhooks ?? []).map { webhook in
            let secretFile = state.resolve(webhook.secretFile)
            guard let secret = try? String(contentsOf: secretFile, encoding: .utf8) else {
                throw ConfigurationError(file: state.gatewayConfiguration.path, field: "webhooks.secretFile", reason: "cannot read \(secretFile.path)")
            }
            do {
                return WebhookSender(store: store, url: webhook.url, signature: try StandardWebhookSignature(secret: secret), feed: feed, logger: logger)
            } catch {
                throw ConfigurationError(file: state.gatewayConfiguration.path, field: "webhooks.secretFile", reason: "\(error)")
            }
        }
        self.orders = OrdersAPI(
            store: store, banks: banks, centreID: configuration.centreID, intake: intake, onAccepted: { dispatcher.nudge() },
            flows: dispatcher.flows, atRiskMargin: watch.atRiskMargin, holdPolicy: watch.legalHold, feed: feed
        )
        self.inbound = InboundAPI(store: store, banks: banks, feed: feed, clientIssuers: clientIssuers)
        self.auditLog = AuditLog(
            store: store, signer: try AuditLogKey.loadOrCreate(state, centreID: configuration.centreID), logger: logger
        )
        self.auditPages = AuditPages(
            state: state, store: store, log: auditLog, credential: try AuditorCredential.loadOrCreate(state).credential
        )
        self.inboundTLS = try MutualTLS.serverConfiguration(identity: tlsIdentity, clientTrustRoots: bankRoots)
        self.logger = logger
    }

    /// The background workers: delivery, chasing, deadline and hold watch, webhooks, audit checkpoints.
    public var workers: [any Service] {
        [dispatcher, chaser, deadlineWatch, auditLog] + webhooks
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
