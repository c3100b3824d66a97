import Foundation

extension EndToEndResult {
    /// What a run measured, as `bench run` and the suite print it: a heading line (dialect, banks,
    /// load shape), then one line per figure, ratios to the machine's raw rates where measured.
    public func report(reference: BenchSuite.Reference = .init()) -> [String] {
        var shapeText: String
        switch shape {
        case .closed(let concurrency): shapeText = "closed loop \(concurrency)"
        case .open(let rate): shapeText = "open loop \(Format.rate(rate))/s"
        }
        shapeText += ", \(orders) orders"
        var lines = ["\(dialect.name), \(banks) bank\(banks == 1 ? "" : "s"), ack \(ackMode) · \(shapeText)"]
        lines.append("finished: \(executed) executed, \(refused) refused, \(apiErrors) API errors\(complete ? "" : "  ← NOT every order executed")")
        lines.append("accepted/s \(Format.rate(acceptedPerSecond))  acknowledged/s \(Format.rate(acknowledgedPerSecond))  executed/s \(Format.rate(executedPerSecond))")
        let algorithm = dialect.opensslAlgorithm
        var ratios = [String]()
        if let two = reference.openssl?.rate(algorithm, cores: 2) {
            let signatures = OrderWork(ackMode: ackMode).signatures
            ratios.append("\(Format.ratio(acknowledgedPerSecond / two.sign)) openssl \(algorithm) sign/s on 2 cores (\(Format.ratio(acknowledgedPerSecond * Double(signatures) / two.sign)) counting the \(signatures) signatures each order takes)")
        }
        if dialect.dialect == .xmlEnveloped || dialect.dialect == .iso20022BAH, let xmlsec = reference.xmlsec[algorithm] {
            ratios.append("\(Format.ratio(acknowledgedPerSecond / xmlsec.sign)) python xmlsec sign/s on 1 core")
        }
        if let ceiling = reference.transportCeiling(ackMode: ackMode) {
            ratios.append("\(Format.ratio(acknowledgedPerSecond / ceiling)) the \(Format.rate(ceiling))/s its HTTP exchanges alone allow")
        }
        if let ceiling = reference.signatureAndTransportCeiling(algorithm: algorithm, ackMode: ackMode) {
            ratios.append("\(Format.ratio(acknowledgedPerSecond / ceiling)) the \(Format.rate(ceiling))/s its signatures and exchanges alone allow")
        }
        if let target = Self.throughputTarget[dialect.name], case .closed = shape {
            ratios.append("\(Format.ratio(acknowledgedPerSecond / target)) the \(Int(target))/s target")
        }
        if !ratios.isEmpty { lines.append("acknowledged/s = " + ratios.joined(separator: "; ")) }
        lines.append("accept→acknowledged \(toAcknowledged.line)")
        lines.append("accept→executed     \(toExecuted.line)")
        if let perOrder = cpuPerOrder, let cpuSeconds {
            let count = Double(orders)
            if let gatewayCPUSeconds {
                lines.append("CPU per order \(Format.ms(perOrder)): gateway \(Format.ms(gatewayCPUSeconds * 1000 / count)), bench process (banks, load generator, feed follower) \(Format.ms(cpuSeconds * 1000 / count))")
            } else {
                lines.append("CPU per order \(Format.ms(perOrder)) (gateway, banks and load generator: one process)")
            }
        }
        if let gatewayPeakMemory {
            lines.append("gateway process: start-up \(Format.seconds(startup)) (spawn → ports announced) · gateway process peak RSS \(Format.mb(gatewayPeakMemory)) · bench process (banks, load generator) peak RSS \(Format.mb(peakMemory))")
        } else {
            lines.append("start-up \(Format.seconds(startup)) · peak RSS \(Format.mb(peakMemory)) (the whole process: gateway, banks, load generator; process peak so far \(Format.mb(PeakMemory.processPeak())))")
        }
        return lines
    }

    static let throughputTarget: [String: Double] = ["rsa-xml": 2000, "es256-jws": 6000]
}
