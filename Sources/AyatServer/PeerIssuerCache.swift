import Synchronization
import X509

/// The issuer name (DER) of each client certificate seen, so a bank's callbacks over one
/// certificate parse it once rather than on every request. Bounded: a few banks' certificates
/// fit, and a flood of different ones only empties it.
final class PeerIssuerCache: Sendable {
    private let issuers = Mutex<[[UInt8]: [UInt8]]>([:])
    private let capacity: Int

    init(capacity: Int = 256) { self.capacity = capacity }

    /// The DER issuer name of the certificate `der`, or nil if it does not parse.
    func issuer(ofCertificate der: [UInt8]) -> [UInt8]? {
        if let known = issuers.withLock({ $0[der] }) { return known }
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        let issuer = InboundAPI.derName(certificate.issuer)
        issuers.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[der] = issuer
        }
        return issuer
    }
}
