import ArgumentParser
import AyatBench
import Foundation

/// `ayat bench transport`: the HTTP stack's own exchange rate, the floor under every order.
struct BenchTransportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transport",
        abstract: "HTTP exchanges per second on loopback, plain and over mutual TLS, to a handler that only answers.",
        discussion: """
            The client and server Ayat is built on (AsyncHTTPClient, Hummingbird, NIO SSL) in this one process, with \
            kept-alive connections and nothing else: no signature, no store, no JSON. Prints each rate and its CPU per \
            exchange (both ends), and the order rate two cores could carry doing only an order's exchanges. \
            `ayat bench suite` measures the same beside its other baselines.
            """
    )
    @Option(help: "Measured exchanges per link.") var exchanges = 20_000
    @Option(help: "Requests in flight.") var concurrency = 64

    func run() async throws {
        guard exchanges > 0, concurrency > 0 else { throw ValidationError("--exchanges and --concurrency must be positive") }
        let scratch = FileManager.default.temporaryDirectory.appending(path: "ayat-bench-transport-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var floor = TransportFloor()
        floor.exchanges = exchanges
        floor.concurrency = concurrency
        let rates = await floor.measureEveryLink(scratch: scratch) { BenchOutput.line($0) }
        if rates.count < TransportFloor.Link.allCases.count { throw ExitCode.failure }
    }
}
