import Foundation
import Testing

/// An independent verifier in Python (hashlib + the `cryptography` package), sharing no code with
/// the Swift implementation: it recomputes the RFC 6962 root from leaf files, checks the
/// checkpoint's Ed25519 note signature and key ID from the published verifier key, and checks a
/// tlog-proof file with the RFC 9162 inclusion algorithm.
///
/// Kept as a string literal so SwiftPM sees no unhandled resource; written to a temp dir to run.
enum PythonChecker {
    static let script = #"""
    import base64, binascii, glob, hashlib, os, sys
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    def h(data):
        return hashlib.sha256(data).digest()

    def mth(hashes):
        if not hashes:
            return h(b"")
        if len(hashes) == 1:
            return hashes[0]
        k = 1
        while k * 2 < len(hashes):
            k *= 2
        return h(b"\x01" + mth(hashes[:k]) + mth(hashes[k:]))

    def b64(text):
        raw = base64.b64decode(text, validate=True)
        if base64.b64encode(raw).decode() != text:
            sys.exit("non-canonical base64: " + text)
        return raw

    def verify_note(note, vkey):
        name, key_id_hex, key64 = vkey.split("+", 2)
        key = b64(key64)
        if key[0] != 1 or len(key) != 33:
            sys.exit("not an Ed25519 verifier key")
        key_id = h(name.encode() + b"\n" + key)[:4]
        if key_id.hex() != key_id_hex:
            sys.exit("verifier key ID does not match")
        split = note.rindex("\n\n")
        text, sigs = note[: split + 1], note[split + 2 :]
        verified = False
        for line in sigs.split("\n")[:-1]:
            if not line.startswith("\u2014 "):
                sys.exit("bad signature line")
            sig_name, sig64 = line[2:].split(" ", 1)
            raw = b64(sig64)
            if sig_name == name and raw[:4] == key_id:
                Ed25519PublicKey.from_public_bytes(key[1:]).verify(raw[4:], text.encode())
                verified = True
        if not verified:
            sys.exit("no signature by " + name)
        lines = text.split("\n")
        return lines[0], int(lines[1]), b64(lines[2])

    def root_from_inclusion(index, size, leaf_hash, proof):
        if index >= size:
            sys.exit("index beyond tree")
        fn, sn, r = index, size - 1, leaf_hash
        for p in proof:
            if sn == 0:
                sys.exit("proof too long")
            if fn & 1 or fn == sn:
                r = h(b"\x01" + p + r)
                if not fn & 1:
                    while True:
                        fn >>= 1
                        sn >>= 1
                        if fn & 1 or fn == 0:
                            break
            else:
                r = h(b"\x01" + r + p)
            fn >>= 1
            sn >>= 1
        if sn != 0:
            sys.exit("proof too short")
        return r

    def main(directory):
        files = sorted(glob.glob(os.path.join(directory, "leaves", "*.bin")))
        leaves = [open(f, "rb").read() for f in files]
        hashes = [h(b"\x00" + leaf) for leaf in leaves]
        vkey = open(os.path.join(directory, "log.vkey")).read().strip()
        checkpoint = open(os.path.join(directory, "checkpoint"), "rb").read().decode("utf-8")
        origin, size, root = verify_note(checkpoint, vkey)
        if size != len(hashes):
            sys.exit("checkpoint size %d, %d leaves" % (size, len(hashes)))
        if mth(hashes) != root:
            sys.exit("root mismatch: leaves give " + mth(hashes).hex() + ", checkpoint says " + root.hex())

        proof_text = open(os.path.join(directory, "entry.tlog-proof"), "rb").read().decode("utf-8")
        head, embedded = proof_text.split("\n\n", 1)
        lines = head.split("\n")
        if lines[0] != "c2sp.org/tlog-proof@v1":
            sys.exit("bad proof header")
        lines = lines[1:]
        if lines[0].startswith("extra "):
            lines = lines[1:]
        if not lines[0].startswith("index "):
            sys.exit("no index line")
        index = int(lines[0][6:])
        path = [b64(line) for line in lines[1:]]
        _, proof_size, proof_root = verify_note(embedded, vkey)
        if root_from_inclusion(index, proof_size, hashes[index], path) != proof_root:
            sys.exit("inclusion proof does not lead to the checkpoint root")
        print("OK", origin, size, root.hex(), "index", index)

    main(sys.argv[1])
    """#

    static let requiredByCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// python3 with `cryptography` importable.
    static let isAvailable: Bool = {
        guard let result = try? run(["python3", "-c", "import cryptography"]) else { return false }
        return result.status == 0
    }()

    static var shouldRun: Bool { isAvailable || requiredByCI }

    struct Result {
        let status: Int32
        let output: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }

    /// Writes the script into `directory` and runs it on `directory`.
    static func check(_ directory: URL) throws -> Result {
        let scriptURL = directory.appendingPathComponent("check.py")
        try Data(script.utf8).write(to: scriptURL)
        return try run(["python3", scriptURL.path, directory.path])
    }
}
