import Foundation
import AyatCore
import AyatDialects
import AyatPKI

/// The one directory that holds everything a gateway keeps: `gateway.yaml`,
/// `banks/*.yaml` (one profile per bank), `pki/` (keys and certificates) and
/// `ayat.sqlite`. Every `ayat` subcommand takes it as `--state DIR`.
public struct StateDirectory: Sendable, Hashable {
    public let url: URL

    public init(_ url: URL) { self.url = url.standardizedFileURL }

    /// `$AYAT_STATE`, else `./.ayat`.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["AYAT_STATE"] ?? ".ayat"
    }

    public var gatewayConfiguration: URL { url.appending(path: "gateway.yaml") }
    public var banksDirectory: URL { url.appending(path: "banks") }
    public var pki: DevPKILayout { DevPKILayout(directory: url.appending(path: "pki")) }
    public var database: URL { url.appending(path: "ayat.sqlite") }

    /// A path from a configuration file: absolute, or relative to the state directory.
    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : url.appending(path: path)
    }

    /// The path of `file` as configuration files write it: relative when inside the state directory.
    public func relative(_ file: URL) -> String {
        let base = url.path + "/"
        return file.path.hasPrefix(base) ? String(file.path.dropFirst(base.count)) : file.path
    }

    public func create() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    public func loadGatewayConfiguration() throws -> GatewayConfiguration {
        guard FileManager.default.fileExists(atPath: gatewayConfiguration.path) else {
            throw ConfigurationError(file: gatewayConfiguration.path, field: nil,
                                     reason: "not found; is --state pointing at a gateway state directory?")
        }
        return try YAMLFile.read(GatewayConfiguration.self, from: gatewayConfiguration)
    }

    /// Every bank profile, sorted by code; two files for one code is an error.
    public func loadBankProfiles() throws -> [(file: URL, profile: BankProfile)] {
        let files = ((try? FileManager.default.contentsOfDirectory(at: banksDirectory, includingPropertiesForKeys: nil)) ?? [])
            .filter { ["yaml", "yml"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
        var seen = [BankCode: URL]()
        var profiles = [(file: URL, profile: BankProfile)]()
        for file in files {
            let profile = try YAMLFile.read(BankProfile.self, from: file)
            if let first = seen[profile.code] {
                throw ConfigurationError(file: file.path, field: "code", reason: "bank \(profile.code) is already configured in \(first.lastPathComponent)")
            }
            seen[profile.code] = file
            profiles.append((file, profile))
        }
        return profiles
    }

    /// The gateway configuration a dev PKI implies.
    public func devGatewayConfiguration(centreID: String = "THACC", listenPort: Int = 8080) -> GatewayConfiguration {
        GatewayConfiguration(
            centreID: centreID,
            signing: .init(certificate: relative(pki.gatewaySigning.certificate), privateKey: relative(pki.gatewaySigning.privateKey)),
            tls: .init(certificate: relative(pki.gatewayTLS.certificate), privateKey: relative(pki.gatewayTLS.privateKey)),
            listenPort: listenPort
        )
    }

    /// The profile of a simulated bank served at `endpoint`, trusting its dev PKI files.
    public func devBankProfile(code: BankCode, name: String, dialect: DialectName, endpoint: String) -> BankProfile {
        let files = pki.bank(code.rawValue)
        return BankProfile(
            code: code, name: name, endpoint: endpoint, dialect: dialect,
            signing: .init(certificates: [relative(files.signing.certificate)]),
            tls: .init(trustRoots: relative(files.ca.certificate)),
            retry: .init(initialDelay: 0.2, maxDelay: 5)
        )
    }
}
