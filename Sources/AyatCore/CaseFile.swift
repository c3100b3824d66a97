import Foundation

/// A victim's report as the case system registered it: who was scammed,
/// when it was reported, and how Ayat may act on the case by itself.
public struct CaseFile: Hashable, Sendable, Codable {
    public var id: CaseID
    public var victim: BankAccount?
    public var reportedAt: Date
    /// Whether Ayat opens freezes at the next hop by itself when a bank reports money moving on.
    /// Nil means: as the deployment is configured.
    public var chasing: Bool?
    /// When a police complaint was recorded: holds then last the longer legal window.
    public var policeComplaintAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: CaseID, victim: BankAccount?, reportedAt: Date, chasing: Bool?, policeComplaintAt: Date?,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.victim = victim
        self.reportedAt = reportedAt
        self.chasing = chasing
        self.policeComplaintAt = policeComplaintAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
