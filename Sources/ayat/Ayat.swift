import ArgumentParser
import AyatServer

@main
struct Ayat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ayat",
        abstract: "The gateway between an anti-scam operation centre and the banks.",
        discussion: """
            Ayat takes freeze orders over HTTP, turns each into the target bank's signed \
            message, delivers it over mutual TLS and tracks the bank's signed receipt.

            Everything a gateway keeps (SQLite store, dev PKI, bank profiles) lives in one \
            state directory: pass it as --state DIR (default: $AYAT_STATE or ./.ayat).
            """,
        subcommands: [DemoCommand.self, ServeCommand.self, CertsCommand.self, OrdersCommand.self, AuditCommand.self, BanksCommand.self, RenderCommand.self, VerifyCommand.self, BenchCommand.self]
    )
}

/// The `--state DIR` option every stateful subcommand shares.
struct StateOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The gateway's state directory.", valueName: "DIR"))
    var state: String = StateDirectory.defaultPath
}
