import Foundation
import AyatCore
import AyatDialects
import AyatStore
import Logging
import ServiceLifecycle

/// Tells the case system, once each, when an unacknowledged order nears its
/// deadline (`order.at-risk`) and when a legal hold nears its lapse
/// (`hold.expiring`) or lapses (`hold.expired`): no hold lapses silently.
public final class DeadlineWatch: Service, Sendable {
    public struct Settings: Sendable {
        /// An order without a receipt this close to its deadline is at risk.
        public var atRiskMargin: TimeInterval = 15 * 60
        public var legalHold = GatewayConfiguration.LegalHold()
        public var interval: Duration = .seconds(5)
        public init() {}
    }

    private let store: any GatewayStore
    private let feed: OrderStateFeed
    private let settings: Settings
    private let logger: Logger
    private let wake = WakeSignal()

    public init(store: any GatewayStore, feed: OrderStateFeed, settings: Settings, logger: Logger) {
        self.store = store
        self.feed = feed
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        await WorkLoop(wake: wake, idle: settings.interval).run {
            await self.check(now: Date())
            return false
        }
    }

    public func check(now: Date) async {
        do {
            for record in try await store.takeDeadlineWarnings(now: now, margin: settings.atRiskMargin) {
                await feed.publish(.init(orderID: record.order.id, state: record.state))
                logger.warning("order at risk of missing its deadline", metadata: [
                    "order": "\(record.order.id)", "bank": "\(record.order.bank)", "deadline": "\(Timestamp.format(record.order.deadline))",
                ])
            }
            let policy = settings.legalHold
            for warning in try await store.takeHoldWarnings(
                now: now, holdWindow: { order, file in policy.expiry(of: order, complaintAt: file?.policeComplaintAt) },
                shortestHold: policy.shortest, notice: policy.notice
            ) {
                await feed.publish(.init(orderID: warning.order.id, state: .executed))
                logger.warning(warning.expired ? "legal hold lapsed" : "legal hold about to lapse", metadata: [
                    "order": "\(warning.order.id)", "bank": "\(warning.order.bank)", "expires": "\(Timestamp.format(warning.expiresAt))",
                ])
            }
        } catch {
            logger.error("deadline watch failed", metadata: ["error": "\(error)"])
        }
    }
}
