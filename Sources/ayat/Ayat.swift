import ArgumentParser
import AyatServer

@main
struct Ayat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ayat",
        abstract: "The gateway between an anti-scam operation centre and the banks.",
        discussion: """
            Ayat takes freeze, release and refund orders over HTTP, turns each into the \
            target bank's signed message (XMLDSig or JWS, in the bank's dialect), delivers it \
            over mutual TLS, tracks the bank's signed receipt and execution result, and keeps \
            every message in a tamper-evident log that auditors verify offline.

            Everything a gateway keeps (SQLite store, dev PKI, bank profiles, the log's key) lives in one \
            state directory: pass it as --state DIR (default: $AYAT_STATE or ./.ayat).
            """,
        subcommands: [DemoCommand.self, ServeCommand.self, CertsCommand.self, OrdersCommand.self, AuditCommand.self, BanksCommand.self, SimulateCommand.self, RenderCommand.self, VerifyCommand.self, BenchCommand.self]
    )
}

/// The `--state DIR` option every stateful subcommand shares.
struct StateOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The gateway's state directory.", valueName: "DIR"))
    var state: String = StateDirectory.defaultPath
}
