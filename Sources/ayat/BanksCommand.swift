import ArgumentParser
import Foundation
import AyatServer

struct BanksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "banks",
        abstract: "Bank profiles.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load every bank profile and check keys, certificates, dialect and reachability: one line per bank.",
            discussion: "Exit status 0 when every bank checks out, 1 otherwise."
        )
        @OptionGroup var state: StateOption
        @Flag(help: "Skip the TLS connection to each bank.") var offline = false

        func run() async throws {
            let lines = await BankCheck.run(state: state.directory, reachability: !offline)
            let width = lines.map(\.bank.count).max() ?? 0
            for line in lines {
                print("\(line.ok ? "✓" : "✗") \(line.bank.padding(toLength: width, withPad: " ", startingAt: 0))  \(line.text)")
            }
            if lines.contains(where: { !$0.ok }) { throw ExitCode(1) }
        }
    }
}
