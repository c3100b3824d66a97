/// The work every order costs, whoever implements the gateway: its signatures, each verified
/// once by the other side, and its HTTP exchanges. The floors the suite states come from it.
struct OrderWork: Sendable, Equatable {
    /// Ours on the order and the bank's on its receipt; a bank that does not answer with the
    /// result in its reply signs the result too.
    let signatures: Int
    /// The case system's POST to the API, over plain HTTP.
    let plainExchanges = 1
    /// Over mutual TLS: the order, and the callback or poll that brings the result unless the
    /// bank answers with it.
    let bankExchanges: Int

    init(ackMode: String) {
        let resultInReply = ackMode == "sync"
        signatures = resultInReply ? 2 : 3
        bankExchanges = resultInReply ? 1 : 2
    }

    /// Seconds of one core per order for the exchanges alone, at the given CPU per exchange.
    func exchangeSeconds(plain: Double, mutualTLS: Double) -> Double {
        Double(plainExchanges) * plain + Double(bankExchanges) * mutualTLS
    }

    /// Seconds of one core per order for the signatures and their verifications alone, at one
    /// core's sign and verify rates.
    func signatureSeconds(sign: Double, verify: Double) -> Double {
        Double(signatures) * (1 / sign + 1 / verify)
    }

    /// Orders per second that two cores could carry doing nothing but `seconds` of work each.
    static func ceiling(onTwoCores seconds: Double) -> Double { 2 / seconds }
}
