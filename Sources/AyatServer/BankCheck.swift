import Foundation
import AyatCore
import AyatDialects
import AyatPKI
import AyatTransport
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import X509

/// `ayat banks check`: every profile loaded and checked before first use —
/// keys, certificates, dialect, reachability — one readable line per bank.
public enum BankCheck {
    public struct Line: Sendable {
        public var file: String
        public var bank: String
        public var ok: Bool
        public var text: String
    }

    public static func run(state: StateDirectory, reachability: Bool = true, now: Date = Date()) async -> [Line] {
        var lines = [Line]()
        let files = ((try? FileManager.default.contentsOfDirectory(at: state.banksDirectory, includingPropertiesForKeys: nil)) ?? [])
            .filter { ["yaml", "yml"].contains($0.pathExtension) }.sorted { $0.path < $1.path }
        let gateway: Result<(GatewayConfiguration, SigningIdentity, TLSIdentity), any Error> = Result {
            try checkGateway(state: state, now: now)
        }
        if case .failure(let error) = gateway {
            lines.append(Line(file: state.relative(state.gatewayConfiguration), bank: "gateway", ok: false, text: "\(error)"))
        }
        if files.isEmpty {
            lines.append(Line(file: state.relative(state.banksDirectory), bank: "-", ok: false, text: "no bank profiles (*.yaml) found"))
        }
        for file in files {
            let name = state.relative(file)
            do {
                let profile = try YAMLFile.read(BankProfile.self, from: file)
                guard case .success(let (_, signing, tls)) = gateway else {
                    throw ConfigurationError(file: name, field: nil, reason: "not checked: the gateway's own identity is unusable (see the gateway line)")
                }
                var facts = ["\(profile.dialect)", "ack \(profile.ack.mode)"]
                var pinned = [Certificate]()
                for (index, path) in profile.signing.certificates.enumerated() {
                    let field = "signing.certificates[\(index)]"
                    let certificates: [Certificate]
                    do { certificates = try PEMFile.readCertificates(state.resolve(path)) } catch {
                        throw ConfigurationError(file: name, field: field, reason: "\(error)")
                    }
                    for certificate in certificates {
                        try checkValidity(certificate, at: now, file: name, field: field)
                        if let usage = try? certificate.extensions.keyUsage, !usage.digitalSignature {
                            throw ConfigurationError(file: name, field: field, reason: "certificate \(certificate.subject) may not sign (no digitalSignature key usage)")
                        }
                    }
                    pinned += certificates
                }
                if let earliest = pinned.map(\.notValidAfter).min() {
                    facts.append("bank signing cert valid until \(Timestamp.formatSeconds(earliest).prefix(10))")
                }
                do { _ = try DialectRegistry.codec(for: profile.dialect, identity: signing, pinned: pinned) } catch {
                    throw ConfigurationError(file: name, field: "dialect", reason: "\(error)")
                }
                do {
                    for certificate in try PEMFile.readCertificates(state.resolve(profile.tls.trustRoots)) {
                        try checkValidity(certificate, at: now, file: name, field: "tls.trustRoots")
                    }
                } catch let error as ConfigurationError { throw error } catch {
                    throw ConfigurationError(file: name, field: "tls.trustRoots", reason: "\(error)")
                }
                let configuration: TLSConfigurationBox
                do { configuration = TLSConfigurationBox(try MutualTLS.clientConfiguration(identity: tls, trustRoots: state.resolve(profile.tls.trustRoots))) } catch {
                    throw ConfigurationError(file: name, field: "tls.trustRoots", reason: "\(error)")
                }
                guard URL(string: profile.endpoint)?.scheme == "https" else {
                    throw ConfigurationError(file: name, field: "endpoint", reason: "must be an https:// URL (mutual TLS)")
                }
                var ok = true
                if reachability {
                    let client = BankClient(tls: configuration.value, connectTimeout: min(profile.timeouts.connect, 5), requestTimeout: 5)
                    let started = Date()
                    do {
                        let response = try await client.get(profile.endpoint)
                        facts.append("reachable over mTLS (HTTP \(response.status), \(Int(Date().timeIntervalSince(started) * 1000)) ms)")
                    } catch {
                        ok = false
                        var reason = readable(error)
                        if reason.hasPrefix("the bank's TLS certificate"), let url = URL(string: profile.endpoint), let host = url.host {
                            let roots = (try? PEMFile.readCertificates(state.resolve(profile.tls.trustRoots))) ?? []
                            if let why = await refusedCertificateReason(host: host, port: url.port ?? 443, tls: configuration.value, roots: roots, now: now) {
                                reason = why
                            }
                        }
                        facts.append("endpoint \(profile.endpoint) unreachable: \(reason)")
                    }
                    try? await client.shutdown()
                }
                lines.append(Line(file: name, bank: "\(profile.code) \(profile.name)", ok: ok, text: facts.joined(separator: " · ")))
            } catch {
                lines.append(Line(file: name, bank: file.deletingPathExtension().lastPathComponent, ok: false, text: "\(error)"))
            }
        }
        return lines
    }
}

extension BankCheck {
    /// The gateway's own identities: each key must be its certificate's, and each certificate valid now.
    static func checkGateway(state: StateDirectory, now: Date) throws -> (GatewayConfiguration, SigningIdentity, TLSIdentity) {
        let file = state.relative(state.gatewayConfiguration)
        let configuration = try state.loadGatewayConfiguration()
        let signing: SigningIdentity
        do {
            signing = try SigningIdentity(certificate: state.resolve(configuration.signing.certificate), privateKey: state.resolve(configuration.signing.privateKey))
        } catch {
            throw ConfigurationError(file: file, field: "signing", reason: "\(error)")
        }
        try checkValidity(signing.certificate, at: now, file: file, field: "signing.certificate")
        let tls: TLSIdentity
        do {
            tls = try TLSIdentity(certificate: state.resolve(configuration.tls.certificate), privateKey: state.resolve(configuration.tls.privateKey))
            let certificate = try PEMFile.readCertificate(state.resolve(configuration.tls.certificate))
            let key = try Certificate.PrivateKey(pemEncoded: PEMFile.readPrivateKeyPEM(state.resolve(configuration.tls.privateKey)))
            guard key.publicKey == certificate.publicKey else {
                throw PKIError(path: state.resolve(configuration.tls.privateKey).path, reason: "private key does not match certificate \(configuration.tls.certificate)")
            }
            try checkValidity(certificate, at: now, file: file, field: "tls.certificate")
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: file, field: "tls", reason: "\(error)")
        }
        return (configuration, signing, tls)
    }

    static func checkValidity(_ certificate: Certificate, at now: Date, file: String, field: String) throws {
        if certificate.notValidAfter < now {
            throw ConfigurationError(file: file, field: field, reason: "certificate \(certificate.subject) expired on \(Timestamp.format(certificate.notValidAfter))")
        }
        if certificate.notValidBefore > now {
            throw ConfigurationError(file: file, field: field, reason: "certificate \(certificate.subject) is not valid before \(Timestamp.format(certificate.notValidBefore))")
        }
    }

    /// A TLS failure in words: which check the bank's certificate failed.
    static func readable(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return "the bank's TLS certificate was refused (expired, for another host, or not issued by tls.trustRoots): \(text)"
        }
        if text.lowercased().contains("hostname") {
            return "the bank's TLS certificate is for another host: \(text)"
        }
        return text
    }
}

extension BankCheck {
    /// Why the bank's server certificate was refused, in words: it is fetched
    /// once more without being trusted, and read.
    static func refusedCertificateReason(host: String, port: Int, tls: NIOSSL.TLSConfiguration, roots: [Certificate], now: Date) async -> String? {
        guard let leaf = await presentedCertificate(host: host, port: port, tls: tls) else { return nil }
        let subject = "\(leaf.subject)"
        if leaf.notValidAfter < now {
            return "the bank's TLS certificate (\(subject)) expired on \(Timestamp.format(leaf.notValidAfter))"
        }
        if leaf.notValidBefore > now {
            return "the bank's TLS certificate (\(subject)) is not valid before \(Timestamp.format(leaf.notValidBefore))"
        }
        if !roots.contains(where: { $0.subject == leaf.issuer }) {
            return "the bank's TLS certificate (\(subject)) was issued by \(leaf.issuer), not by a CA in tls.trustRoots"
        }
        let names = (try? leaf.extensions.subjectAlternativeNames).map { Array($0) } ?? []
        let matches = names.contains { name in
            switch name {
            case .dnsName(let dns): dns.lowercased() == host.lowercased()
            case .ipAddress(let bytes): Array(bytes.bytes) == host.split(separator: ".").compactMap { UInt8($0) } && host.split(separator: ".").count == 4
            default: false
            }
        }
        if !matches {
            let listed = names.map { name -> String in
                switch name {
                case .dnsName(let dns): dns
                case .ipAddress(let bytes): bytes.bytes.map(String.init).joined(separator: ".")
                default: "\(name)"
                }
            }
            return "the bank's TLS certificate (\(subject)) is for \(listed.joined(separator: ", ")), not \(host)"
        }
        return nil
    }

    /// The leaf certificate a TLS server presents, captured during a handshake that then refuses it.
    static func presentedCertificate(host: String, port: Int, tls: NIOSSL.TLSConfiguration) async -> Certificate? {
        guard let context = try? NIOSSLContext(configuration: tls) else { return nil }
        let captured = NIOLockedValueBox<NIOSSLCertificate?>(nil)
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(3))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: context, serverHostname: nil) { (certificates: [NIOSSLCertificate], verdict: EventLoopPromise<NIOSSLVerificationResult>) in
                            captured.withLockedValue { $0 = certificates.first }
                            verdict.succeed(NIOSSLVerificationResult.failed)
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: host, port: port).get()
            // The refused handshake closes the channel; a server that never answers is given three seconds.
            channel.eventLoop.scheduleTask(in: TimeAmount.seconds(3)) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
        } catch {
            return nil
        }
        guard let presented = captured.withLockedValue({ $0 }), let der = try? presented.toDERBytes() else { return nil }
        return try? Certificate(derEncoded: der)
    }
}

/// Carries a TLS configuration across a `do` scope.
struct TLSConfigurationBox: @unchecked Sendable {
    let value: NIOSSL.TLSConfiguration
    init(_ value: NIOSSL.TLSConfiguration) { self.value = value }
}
