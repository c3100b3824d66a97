import Foundation
import AyatCore
import AyatDialects
import AyatTransport

/// Everything needed to reach one bank: its profile, our end of its dialect, and an mTLS client.
public struct BankLink: Sendable {
    public let profile: BankProfile
    public let codec: any DialectCodec
    public let client: BankClient

    public init(profile: BankProfile, codec: any DialectCodec, client: BankClient) {
        self.profile = profile
        self.codec = codec
        self.client = client
    }

    /// The request line orders travel with: POST to the profile's endpoint.
    public var orderRequest: HTTPRequestLine {
        HTTPRequestLine(method: "POST", path: URL(string: profile.endpoint)?.path ?? "/")
    }

    /// Where to ask for the result of `messageID` (poll banks).
    public func statusURL(for messageID: MessageID) -> String? {
        profile.ack.statusEndpoint?.replacingOccurrences(of: "{messageId}", with: messageID.rawValue)
    }
}

/// The banks the gateway can reach, by code.
public struct BankDirectory: Sendable {
    public let links: [BankCode: BankLink]

    public init(_ links: [BankLink]) {
        self.links = Dictionary(links.map { ($0.profile.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(code: BankCode) -> BankLink? { links[code] }
    public var codes: Set<BankCode> { Set(links.keys) }

    public func shutdown() async {
        for link in links.values { try? await link.client.shutdown() }
    }
}
