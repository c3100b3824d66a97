import Foundation

/// Where the dev PKI keeps each file, relative to one directory.
///
/// Two trust domains: the centre's CA issues the gateway's TLS client and
/// message-signing certificates; each bank's own CA issues that bank's TLS
/// server and signing certificates. Each side pins the other's.
public struct DevPKILayout: Sendable, Hashable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public var centreCA: PEMPair { pair("centre-ca") }
    public var gatewayTLS: PEMPair { pair("gateway-tls") }
    public var gatewaySigning: PEMPair { pair("gateway-signing") }

    public func bank(_ code: String) -> BankFiles {
        BankFiles(directory: directory.appending(path: "banks").appending(path: code))
    }

    private func pair(_ name: String) -> PEMPair { PEMPair(directory: directory, name: name) }

    /// A certificate and its private key, side by side: `NAME.pem` and `NAME.key.pem`.
    public struct PEMPair: Sendable, Hashable {
        public let certificate: URL
        public let privateKey: URL
        init(directory: URL, name: String) {
            certificate = directory.appending(path: "\(name).pem")
            privateKey = directory.appending(path: "\(name).key.pem")
        }
    }

    public struct BankFiles: Sendable, Hashable {
        public let directory: URL
        public var ca: PEMPair { PEMPair(directory: directory, name: "ca") }
        public var tls: PEMPair { PEMPair(directory: directory, name: "tls") }
        public var signing: PEMPair { PEMPair(directory: directory, name: "signing") }
    }
}
