import Foundation
import Testing
import AyatCore
import AyatPKI
import AyatSandbox
import AyatServer
import AyatSimulator

@Suite struct BankCheckTests {
    @Test func aGoodSetOfProfilesChecksOutAndEveryBankIsReachable() async throws {
        try await withDeployment { deployment in
            let lines = await BankCheck.run(state: deployment.state)
            #expect(lines.count == 4)
            #expect(lines.allSatisfy { $0.ok }, "\(lines.map(\.text))")
            #expect(lines.allSatisfy { $0.text.contains("reachable over mTLS") })
        }
    }

    @Test func brokenProfilesAreNamedByFileFieldAndReason() async throws {
        try await withTemporaryState { state in
            try await withDeployment(state: state) { _ in }
            let pki = state.pki

            // 014: its pinned signing certificate has expired.
            let old = state.url.appending(path: "old-pki")
            let expired = try DevPKI.generate(in: old, banks: ["014"], now: Date().addingTimeInterval(-3 * 365 * 86400))
            try FileManager.default.copyItem(at: expired.bank("014").signing.certificate, to: state.url.appending(path: "expired.pem"))
            try replace(in: state.banksDirectory.appending(path: "014.yaml"), "pki/banks/014/signing.pem", with: "expired.pem")
            // 006: its pinned certificate file is missing.
            try replace(in: state.banksDirectory.appending(path: "006.yaml"), "pki/banks/006/signing.pem", with: "pki/banks/006/missing.pem")
            // 004: a profile without an endpoint.
            try replace(in: state.banksDirectory.appending(path: "004.yaml"), "endpoint:", with: "endpont:")

            let lines = await BankCheck.run(state: state, reachability: false)
            func line(_ file: String) -> BankCheck.Line? { lines.first { $0.file == "banks/\(file)" } }
            #expect(line("014.yaml")?.ok == false)
            #expect(line("014.yaml")?.text.contains("signing.certificates[0]") == true)
            #expect(line("014.yaml")?.text.contains("expired") == true)
            #expect(line("006.yaml")?.text.contains("signing.certificates[0]") == true)
            #expect(line("006.yaml")?.text.contains("not found") == true)
            #expect(line("004.yaml")?.text.contains("endpoint") == true)
            #expect(line("025.yaml")?.ok == true)

            // The gateway's signing key no longer matches its certificate: every line says so.
            try FileManager.default.removeItem(at: pki.gatewaySigning.privateKey)
            try FileManager.default.copyItem(at: old.appending(path: "gateway-signing.key.pem"), to: pki.gatewaySigning.privateKey)
            let mismatched = await BankCheck.run(state: state, reachability: false)
            #expect(mismatched.contains { !$0.ok && $0.text.contains("does not match certificate") })
        }
    }

    @Test(arguments: [
        (SimulatorFaults.TLSFault.expired, "expired on"),
        (.wrongHost, "is for bank-014.invalid, not 127.0.0.1"),
        (.untrusted, "was issued by CN=Unknown CA"),
    ])
    func aBankServingABadTLSCertificateIsReportedWithTheReason(fault: SimulatorFaults.TLSFault, reason: String) async throws {
        var banks = try LocalDeployment.shippedBanks()
        let index = try #require(banks.firstIndex { $0.code.rawValue == "014" })
        banks[index].faults = .init(tls: fault)
        try await withDeployment(banks: banks) { deployment in
            let lines = await BankCheck.run(state: deployment.state)
            let line = try #require(lines.first { $0.file == "banks/014.yaml" })
            #expect(!line.ok)
            #expect(line.text.contains("unreachable: the bank's TLS certificate"))
            #expect(line.text.contains(reason), "\(line.text)")
            #expect(lines.filter { $0.file != "banks/014.yaml" }.allSatisfy { $0.ok })
        }
    }

    @Test func aGatewayTLSKeyThatDoesNotMatchItsCertificateIsNamed() async throws {
        try await withTemporaryState { state in
            try await withDeployment(state: state) { _ in }
            let other = try DevPKI.generate(in: state.url.appending(path: "other-pki"), banks: [])
            try FileManager.default.removeItem(at: state.pki.gatewayTLS.privateKey)
            try FileManager.default.copyItem(at: other.gatewayTLS.privateKey, to: state.pki.gatewayTLS.privateKey)

            let lines = await BankCheck.run(state: state, reachability: false)
            let gateway = try #require(lines.first { $0.bank == "gateway" })
            #expect(gateway.file == "gateway.yaml")
            #expect(gateway.text.contains("field tls"))
            #expect(gateway.text.contains("does not match certificate"))
            // Every bank says why it was not checked, and none passes.
            #expect(lines.filter { $0.bank != "gateway" }.allSatisfy { !$0.ok && $0.text.contains("not checked") })
        }
    }

    @Test func profileFieldsThatCannotWorkAreNamed() async throws {
        try await withTemporaryState { state in
            try await withDeployment(state: state) { _ in }
            // 014: an acknowledgement mode that does not exist.
            try replace(in: state.banksDirectory.appending(path: "014.yaml"), "mode: sync", with: "mode: sometimes")
            // 025: its TLS trust roots file is missing.
            try replace(in: state.banksDirectory.appending(path: "025.yaml"), "pki/banks/025/ca.pem", with: "pki/banks/025/gone.pem")
            // 006: its bank CA has expired.
            let old = try DevPKI.generate(in: state.url.appending(path: "old-pki"), banks: ["006"], now: Date().addingTimeInterval(-3 * 365 * 86400))
            try FileManager.default.copyItem(at: old.bank("006").ca.certificate, to: state.url.appending(path: "old-ca.pem"))
            try replace(in: state.banksDirectory.appending(path: "006.yaml"), "pki/banks/006/ca.pem", with: "old-ca.pem")

            let lines = await BankCheck.run(state: state, reachability: false)
            func text(_ file: String) -> String { lines.first { $0.file == "banks/\(file)" }?.text ?? "no line for \(file)" }
            #expect(text("014.yaml").contains("field ack"))
            #expect(text("014.yaml").contains("sync, callback, poll"))
            #expect(text("025.yaml").contains("field tls.trustRoots"))
            #expect(text("025.yaml").contains("gone.pem"))
            #expect(text("006.yaml").contains("field tls.trustRoots"))
            #expect(text("006.yaml").contains("expired"))
            #expect(lines.first { $0.file == "banks/004.yaml" }?.ok == true)
            #expect(lines.filter { $0.ok }.count == 1)
        }
    }

    func replace(in file: URL, _ old: String, with new: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }
}
